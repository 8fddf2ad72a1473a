"""How to undo one identity's remediation, as exact AWS CLI commands.

The program detaches managed policies and deletes inline ones through the provider's
``*Exclusive`` resources, and destroying those resources does not re-attach anything (the
provider documents that destruction only stops the reconciliation). Rolling back is therefore:
re-attach what was replaced (access is restored at once: IAM allows the union of a principal's
policies), then remove the identity's call from the program and ``pulumi up`` (or ``pulumi
destroy`` the whole account's program), which deletes the new policies and leaves the adopted
role or user in place (``retain_on_delete``).
"""

from __future__ import annotations

import shlex

from overgrant.remediation.plan import IdentityPlan
from overgrant.remediation.pulumi.aws_current import managed_arn
from overgrant.remediation.pulumi.program import rollback_document_path

_NAME_FLAG = {"role": "--role-name", "user": "--user-name"}


def rollback_commands(plan: IdentityPlan, program_path: str) -> list[str]:
    """Commands that put back every policy the plan replaces, run from the repository root.

    ``program_path`` is the program's folder relative to the repository root; inline policies
    are re-created from the copies the program keeps under its ``rollback/`` folder.
    """
    kind = plan.kind if plan.kind in _NAME_FLAG else "role"
    name_flag = _NAME_FLAG[kind]
    commands: list[str] = []
    for replacement in plan.replaces:
        if replacement.managed:
            commands.append(
                shlex.join(
                    [
                        "aws",
                        "iam",
                        f"attach-{kind}-policy",
                        name_flag,
                        plan.name,
                        "--policy-arn",
                        managed_arn(replacement),
                    ]
                )
            )
        else:
            document = rollback_document_path(kind, plan.name, replacement.name)
            commands.append(
                shlex.join(
                    [
                        "aws",
                        "iam",
                        f"put-{kind}-policy",
                        name_flag,
                        plan.name,
                        "--policy-name",
                        replacement.name,
                        "--policy-document",
                        f"file://{program_path}/{document}",
                    ]
                )
            )
    return commands
