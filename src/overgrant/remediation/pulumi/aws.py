"""The Pulumi program (Python, ``pulumi_aws``) that applies proven AWS remediation plans.

One program per account, one function per identity. For each identity the program:

* **adopts** the existing role or user with ``import_`` (id = its name), declaring its inputs
  exactly as the snapshot holds them (see :mod:`.aws_current`), so the first ``pulumi up`` shows
  an import and no change to it. Adopted identities are ``retain_on_delete`` rather than
  ``protect``: both keep Pulumi from ever deleting a role it did not create, but ``protect`` would
  also block the documented rollback (re-attach the old policies, then drop the identity's call
  and ``pulumi up``, or ``pulumi destroy``; see :mod:`.aws_rollback`) until someone runs
  ``pulumi state unprotect`` by hand;
* **creates** each new managed policy (``aws.iam.Policy``, the minimized document passed through
  ``json.dumps`` unchanged) and attaches it (``RolePolicyAttachment`` / ``UserPolicyAttachment``);
* **detaches and deletes** what the plan replaces with ``RolePolicyAttachmentsExclusive`` and
  ``RolePoliciesExclusive`` (``User…`` for users). These declare the complete set of managed and
  inline policies the identity keeps, and the provider removes every other one (an empty list of
  inline names is the provider's documented way to remove them all); they depend on the new
  attachments, so the broad policies go only after the narrow ones are in place. The other
  ways do not work in one program: an adopted ``RolePolicyAttachment`` can only be deleted by a
  second change after it is imported, and ``Role.managed_policy_arns`` / ``inline_policies`` are
  deprecated in current pulumi-aws. Pulumi's documentation warns that drift on these
  exclusive resources is only seen with ``pulumi up --refresh``; the README says so.

Every resource uses one explicit provider with ``allowed_account_ids`` set to the account, so the
program refuses to run with credentials for any other account. Everything taken from the cloud is
embedded as a ``repr``-built literal (:mod:`.source`), never pasted into code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from overgrant import __version__
from overgrant.codec import format_datetime
from overgrant.errors import InputError
from overgrant.model import Cloud, IdentityKind, Inventory, JsonValue
from overgrant.remediation.plan import IdentityPlan, RemediationPlan
from overgrant.remediation.pulumi.aws_comments import identity_comment, program_docstring
from overgrant.remediation.pulumi.aws_current import (
    CurrentIdentity,
    InventoryIndex,
    kept_inline,
    kept_managed,
)
from overgrant.remediation.pulumi.aws_readme import pulumi_yaml, readme, requirements
from overgrant.remediation.pulumi.program import (
    GeneratedProgram,
    program_directory,
    rollback_document_path,
)
from overgrant.remediation.pulumi.source import (
    comment_lines,
    comment_text,
    identifier,
    py_literal,
    py_str,
)

_PRELUDE = '''
from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

ACCOUNT_ID = {account}

# Every resource goes through this provider: it refuses credentials for any other account.
PROVIDER = aws.Provider(
    {provider_name},
    allowed_account_ids=[ACCOUNT_ID],
    region=pulumi.Config("aws").get("region") or "us-east-1",
)


def adopt(import_id: str, unknown: list[str]) -> pulumi.ResourceOptions:
    """Options for a role or user that exists already: adopted as it is, never deleted.

    import_ adopts it on the first `pulumi up` (the inputs below equal the live ones);
    retain_on_delete keeps it in AWS when it leaves the program or the stack is destroyed;
    ignore_changes names inputs the snapshot did not record, which Pulumi leaves as they are.
    """
    return pulumi.ResourceOptions(
        provider=PROVIDER,
        import_=import_id,
        retain_on_delete=True,
        ignore_changes=unknown,
    )


def owned(depends_on: list[pulumi.Resource] | None = None) -> pulumi.ResourceOptions:
    """Options for a resource this program creates and owns."""
    return pulumi.ResourceOptions(provider=PROVIDER, depends_on=depends_on or [])
'''

_TYPES = {
    IdentityKind.ROLE: ("Role", "RolePolicyAttachment", "role", "role_name"),
    IdentityKind.USER: ("User", "UserPolicyAttachment", "user", "user_name"),
}
"""Resource class, attachment class, attachment's identity input, exclusive's identity input."""


def render_aws_programs(
    plan: RemediationPlan, inventory: Inventory, *, programs_root: str = "overgrant-remediation"
) -> dict[str, GeneratedProgram]:
    """One Pulumi program per AWS account for the plan's proposed identities, keyed by account.

    Only :attr:`PlanStatus.PROPOSED` plans are rendered (built and proven). ``programs_root`` is
    where the programs will sit in the repository, used in the rollback commands of the READMEs.

    Raises:
        InputError: the plan does not match the snapshot (unknown identity, a replaced policy
            the identity does not hold, duplicate policy names, an account id that is not one).
    """
    index = InventoryIndex(inventory)
    by_account: dict[str, list[IdentityPlan]] = {}
    for item in plan.proposed:
        by_account.setdefault(item.account, []).append(item)
    programs: dict[str, GeneratedProgram] = {}
    for account in sorted(by_account):
        if not (len(account) == 12 and account.isdigit()):
            raise InputError(f"{account!r} is not an AWS account id (twelve digits)")
        items = sorted(by_account[account], key=lambda p: (p.kind, p.name, p.identity))
        _check_policy_names(account, items)
        currents = [index.current(item) for item in items]
        programs[account] = _program(plan, account, items, currents, programs_root)
    return programs


def _check_policy_names(account: str, items: Sequence[IdentityPlan]) -> None:
    seen: dict[str, str] = {}
    for item in items:
        if not item.new_policies:
            raise InputError(f"{item.identity}: a proposed plan without any new policy")
        for policy in item.new_policies:
            if policy.name in seen:
                raise InputError(
                    f"account {account}: policy name {policy.name!r} is proposed for both "
                    f"{seen[policy.name]} and {item.identity} (IAM names are unique per account)"
                )
            seen[policy.name] = item.identity


def _program(
    plan: RemediationPlan,
    account: str,
    items: Sequence[IdentityPlan],
    currents: Sequence[CurrentIdentity],
    programs_root: str,
) -> GeneratedProgram:
    directory = program_directory(Cloud.AWS, account)
    files = {
        "Pulumi.yaml": pulumi_yaml(account),
        "requirements.txt": requirements(),
        "__main__.py": main_module(plan.generated_at, account, items, currents),
        "README.md": readme(account, items, f"{programs_root}/{directory}"),
    }
    for item, current in zip(items, currents, strict=True):
        replaced = {r.name for r in item.replaces if not r.managed}
        for inline in current.inline:
            if inline.name in replaced:
                path = rollback_document_path(item.kind, item.name, inline.name)
                files[path] = _json_file(inline.document)
    return GeneratedProgram(
        cloud=Cloud.AWS,
        account=account,
        directory=directory,
        files=dict(sorted(files.items())),
        identities=tuple(item.identity for item in items),
    )


def _json_file(document: object) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main_module(
    generated_at: datetime,
    account: str,
    items: Sequence[IdentityPlan],
    currents: Sequence[CurrentIdentity],
) -> str:
    """The text of ``__main__.py`` for one account."""
    docstring = program_docstring(account, format_datetime(generated_at), __version__, items)
    parts = [
        docstring + _PRELUDE.format(account=py_str(account), provider_name=py_str(f"aws-{account}"))
    ]
    taken = {"adopt", "owned", "json", "pulumi", "aws", "annotations"}
    calls: list[str] = []
    for item, current in zip(items, currents, strict=True):
        function = identifier(f"{item.kind}_{item.name}", taken)
        parts.append("\n\n" + identity_comment(item) + "\n" + _function(function, item, current))
        calls.append(f"{function}()  # {comment_text(item.identity)}")
    parts.append("\n\n" + "\n".join(calls) + "\n")
    return "".join(parts)


def _function(function: str, plan: IdentityPlan, current: CurrentIdentity) -> str:
    resource_class, _, _, _ = _TYPES[current.kind]
    var = "role" if current.kind is IdentityKind.ROLE else "user"
    lines = [f"def {function}() -> None:"]
    lines += [f"    {var} = aws.iam.{resource_class}("]
    lines += [f"        {py_str(f'{var}-{current.name}')},"]
    lines += [f"        {arg}" for arg in _adopted_inputs(current)]
    unknown = py_literal(list(current.unknown))
    lines += [f"        opts=adopt({py_str(current.name)}, unknown={unknown}),"]
    lines += ["    )"]
    lines += _new_policies(plan, current)
    lines += _attachments(var, current)
    lines += _exclusive(var, plan, current)
    return "\n".join(lines) + "\n"


def _adopted_inputs(current: CurrentIdentity) -> list[str]:
    inputs = [f"name={py_str(current.name)},", f"path={py_str(current.path)},"]
    if current.kind is IdentityKind.ROLE:
        inputs.append(_json_argument("assume_role_policy", current.trust_policy, 8))
        if current.description:
            inputs.append(f"description={py_str(current.description)},")
        if current.max_session_duration is not None:
            inputs.append(f"max_session_duration={current.max_session_duration!r},")
    if current.permissions_boundary:
        inputs.append(f"permissions_boundary={py_str(current.permissions_boundary)},")
    if current.tags:
        inputs.append(f"tags={py_literal(dict(current.tags), 8, 13)},")
    return inputs


def _json_argument(name: str, document: JsonValue, indent: int) -> str:
    """``name=json.dumps(<literal>),``, the literal on its own lines when it does not fit."""
    head = f"{name}=json.dumps("
    flat = py_literal(document, indent, indent + len(head) + 2)
    if "\n" not in flat:
        return f"{head}{flat}),"
    body = py_literal(document, indent + 4, indent + 4)
    return f"{head}\n{' ' * (indent + 4)}{body}\n{' ' * indent}),"


def _new_policies(plan: IdentityPlan, current: CurrentIdentity) -> list[str]:
    lines = ["    new_policies = {"]
    for policy in plan.new_policies:
        lines += [f"        {py_str(policy.name)}: aws.iam.Policy("]
        lines += [f"            {py_str(f'policy-{policy.name}')},"]
        lines += [f"            name={py_str(policy.name)},"]
        if policy.description:
            lines += [f"            description={py_str(policy.description)},"]
        lines += [f"            {_json_argument('policy', policy.document, 12)}"]
        lines += ["            opts=owned(),", "        ),"]
    return [*lines, "    }"]


def _attachments(var: str, current: CurrentIdentity) -> list[str]:
    _, attachment_class, attachment_input, _ = _TYPES[current.kind]
    prefix = py_str(f"{var}-{current.name}-attach-")
    return [
        "    attachments = [",
        f"        aws.iam.{attachment_class}(",
        f"            {prefix} + name,",
        f"            {attachment_input}={var}.name,",
        "            policy_arn=policy.arn,",
        "            opts=owned(),",
        "        )",
        "        for name, policy in new_policies.items()",
        "    ]",
    ]


def _exclusive(var: str, plan: IdentityPlan, current: CurrentIdentity) -> list[str]:
    """The complete sets of policies the identity keeps; the provider removes the rest."""
    resource_class, _, _, name_input = _TYPES[current.kind]
    lines: list[str] = []
    managed = [r.name for r in plan.replaces if r.managed]
    if managed:
        lines += [
            *comment_lines(
                "Exactly these managed policies stay attached: the provider detaches the "
                f"others ({', '.join(managed)}) once the new ones are attached.",
                prefix="    # ",
            ),
            f"    aws.iam.{resource_class}PolicyAttachmentsExclusive(",
            f"        {py_str(f'{var}-{current.name}-managed-policies')},",
            f"        {name_input}={var}.name,",
            "        policy_arns=[",
            "            *(policy.arn for policy in new_policies.values()),",
            *(f"            {py_str(arn)}," for arn in kept_managed(plan, current)),
            "        ],",
            "        opts=owned(depends_on=attachments),",
            "    )",
        ]
    inline = [r.name for r in plan.replaces if not r.managed]
    if inline:
        kept = kept_inline(plan, current)
        lines += [
            *comment_lines(
                "Exactly these inline policies remain: the provider deletes the others "
                f"({', '.join(inline)}) once the new policies are attached.",
                prefix="    # ",
            ),
            f"    aws.iam.{resource_class}PoliciesExclusive(",
            f"        {py_str(f'{var}-{current.name}-inline-policies')},",
            f"        {name_input}={var}.name,",
            f"        policy_names={py_literal(list(kept), 8, 21)},",
            "        opts=owned(depends_on=attachments),",
            "    )",
        ]
    return lines
