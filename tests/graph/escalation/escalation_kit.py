"""Hand-built AWS estates for the escalation tests (pure data: no I/O, no network).

``Estate`` accumulates identities, policies, grants, credentials, workloads, resources and an
organization; ``inventory()`` freezes them into an :class:`~overgrant.model.Inventory`.
Policy documents are written with ``allow``/``deny`` as they would appear in IAM.
"""

from __future__ import annotations

from collections.abc import Iterable

from overgrant.model import (
    Cloud,
    Credential,
    CredentialId,
    CredentialKind,
    Grant,
    GrantPurpose,
    Identity,
    IdentityId,
    IdentityKind,
    Inventory,
    JsonValue,
    PermissionSet,
    PermissionSetId,
    PermissionSetKind,
    Resource,
    ResourceId,
    Scope,
    ScopeId,
    ScopeKind,
    ScopePolicy,
    ScopePolicyKind,
    Workload,
    WorkloadId,
    WorkloadKind,
)

ACCOUNT = "111122223333"
OTHER = "444455556666"
ORG = "o-exampleorg1"
OU = "ou-exam-workload"
ROOT = "r-exam"
REGION = "us-east-1"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"

Doc = dict[str, JsonValue]


def doc(*statements: Doc) -> Doc:
    """A policy document."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: JsonValue, resource: JsonValue = "*", **extra: JsonValue) -> Doc:
    """An Allow statement."""
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: JsonValue, resource: JsonValue = "*", **extra: JsonValue) -> Doc:
    """A Deny statement."""
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def role_arn(name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def user_arn(name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:user/{name}"


def group_arn(name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:group/{name}"


def policy_arn(name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:policy/{name}"


def function_arn(name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:lambda:{REGION}:{account}:function:{name}"


def instance_arn(instance: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:ec2:{REGION}:{account}:instance/{instance}"


def trusts_service(*services: str, **extra: JsonValue) -> Doc:
    """A trust policy that lets AWS services assume the role."""
    principal: JsonValue = {"Service": list(services)}
    return doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra})


def trusts_principal(*arns: str) -> Doc:
    """A trust policy naming AWS principals (ARNs or account ids)."""
    principal: JsonValue = {"AWS": list(arns)}
    return doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


ADMIN_DOC = doc(allow("*"))


class Estate:
    """An AWS estate under construction."""

    def __init__(self) -> None:
        self.identities: list[Identity] = []
        self.sets: dict[str, PermissionSet] = {}
        self.grants: list[Grant] = []
        self.credentials: list[Credential] = []
        self.workloads: list[Workload] = []
        self.resources: list[Resource] = []
        self.scopes: list[Scope] = []
        self.scope_policies: list[ScopePolicy] = []
        self.aws_managed("AdministratorAccess", ADMIN_DOC)

    # -- policies -----------------------------------------------------------------------------

    def _set(self, set_id: str, kind: PermissionSetKind, document: Doc, **fields: object) -> str:
        self.sets[set_id] = PermissionSet(
            id=PermissionSetId(set_id),
            cloud=Cloud.AWS,
            kind=kind,
            name=set_id.rsplit("/", 1)[-1],
            document=document,
            **fields,  # type: ignore[arg-type]
        )
        return set_id

    def aws_managed(self, name: str, document: Doc) -> str:
        """An AWS managed policy (``arn:aws:iam::aws:policy/<name>``)."""
        set_id = f"arn:aws:iam::aws:policy/{name}"
        return self._set(set_id, PermissionSetKind.MANAGED_POLICY, document, builtin=True)

    def managed(
        self, name: str, document: Doc, *, other_versions: int = 0, account: str = ACCOUNT
    ) -> str:
        """A customer-managed policy, with ``other_versions`` stored non-default versions."""
        versions: list[JsonValue] = [
            {"version_id": f"v{n + 1}", "document": doc()} for n in range(other_versions)
        ]
        attributes: dict[str, JsonValue] = {"other_versions": versions} if versions else {}
        return self._set(
            policy_arn(name, account),
            PermissionSetKind.MANAGED_POLICY,
            document,
            container=ScopeId(account),
            attributes=attributes,
        )

    def attach(self, holder: str, set_id: str, *, boundary: bool = False) -> None:
        """Attach a policy to an identity (as its permissions boundary when asked)."""
        account = holder.split(":")[4]
        purpose = GrantPurpose.BOUNDARY if boundary else GrantPurpose.ALLOW
        self.grants.append(
            Grant(
                identity=IdentityId(holder),
                permission_set=PermissionSetId(set_id),
                scope=ScopeId(account),
                purpose=purpose,
            )
        )

    def inline(self, holder: str, name: str, document: Doc) -> str:
        """An inline policy on an identity."""
        set_id = self._set(
            f"{holder}#inline/{name}",
            PermissionSetKind.INLINE_POLICY,
            document,
            container=ScopeId(holder.split(":")[4]),
        )
        self.attach(holder, set_id)
        return set_id

    # -- identities ---------------------------------------------------------------------------

    def _identity(self, arn: str, kind: IdentityKind, **fields: object) -> str:
        self.identities.append(
            Identity(
                id=IdentityId(arn),
                cloud=Cloud.AWS,
                kind=kind,
                name=arn.rsplit("/", 1)[-1],
                container=ScopeId(arn.split(":")[4]),
                **fields,  # type: ignore[arg-type]
            )
        )
        return arn

    def role(
        self,
        name: str,
        trust: Doc,
        *documents: Doc,
        account: str = ACCOUNT,
        instance_profile: bool = False,
    ) -> str:
        """A role with a trust policy and inline policies (one per document)."""
        arn = role_arn(name, account)
        trust_id = self._set(
            f"{arn}#trust", PermissionSetKind.TRUST_POLICY, trust, container=ScopeId(account)
        )
        attributes: dict[str, JsonValue] = {"path": "/"}
        if instance_profile:
            attributes["instance_profiles"] = [
                f"arn:aws:iam::{account}:instance-profile/{name.rsplit('/', 1)[-1]}"
            ]
        self._identity(
            arn, IdentityKind.ROLE, trust_policy=PermissionSetId(trust_id), attributes=attributes
        )
        for number, document in enumerate(documents):
            self.inline(arn, f"policy{number}", document)
        return arn

    def user(
        self, name: str, *documents: Doc, groups: Iterable[str] = (), account: str = ACCOUNT
    ) -> str:
        """A user with inline policies (one per document), member of ``groups``."""
        arn = user_arn(name, account)
        members = tuple(IdentityId(g) for g in groups)
        self._identity(arn, IdentityKind.USER, member_of=members)
        for number, document in enumerate(documents):
            self.inline(arn, f"policy{number}", document)
        return arn

    def group(self, name: str, *documents: Doc, account: str = ACCOUNT) -> str:
        """A group with inline policies (one per document)."""
        arn = group_arn(name, account)
        self._identity(arn, IdentityKind.GROUP)
        for number, document in enumerate(documents):
            self.inline(arn, f"policy{number}", document)
        return arn

    # -- credentials, compute, resources -----------------------------------------------------

    def credential(self, user: str, kind: CredentialKind, number: int = 1) -> None:
        """A credential of a user (access keys are numbered)."""
        self.credentials.append(
            Credential(
                id=CredentialId(f"{user}#{kind.value}{number}"),
                cloud=Cloud.AWS,
                kind=kind,
                identity=IdentityId(user),
            )
        )

    def function(self, name: str, role: str, account: str = ACCOUNT) -> str:
        """A Lambda function whose execution role is ``role``."""
        arn = function_arn(name, account)
        self._workload(arn, WorkloadKind.LAMBDA_FUNCTION, role, {"region": REGION})
        return arn

    def instance(self, instance: str, role: str, **attributes: JsonValue) -> str:
        """An EC2 instance whose instance profile holds ``role``."""
        arn = instance_arn(instance)
        self._workload(arn, WorkloadKind.EC2_INSTANCE, role, {"region": REGION, **attributes})
        return arn

    def compute(self, arn: str, compute_kind: str, role: str) -> str:
        """Compute the collectors do not describe yet, named by its ``compute_kind``."""
        self._workload(arn, WorkloadKind.OTHER, role, {"compute_kind": compute_kind})
        return arn

    def _workload(
        self, arn: str, kind: WorkloadKind, role: str, attributes: dict[str, JsonValue]
    ) -> None:
        self.workloads.append(
            Workload(
                id=WorkloadId(arn),
                cloud=Cloud.AWS,
                kind=kind,
                name=arn.rsplit(":", 1)[-1],
                container=ScopeId(arn.split(":")[4]),
                identities=(IdentityId(role),),
                attributes=attributes,
            )
        )

    def resource(self, arn: str, type_: str, account: str = ACCOUNT) -> str:
        """A resource of a given ``service:type``."""
        self.resources.append(
            Resource(id=ResourceId(arn), cloud=Cloud.AWS, type=type_, container=ScopeId(account))
        )
        return arn

    # -- organization -------------------------------------------------------------------------

    def organization(self, *accounts: str) -> None:
        """An organization: root, one OU holding ``accounts``; FullAWSAccess at every level."""
        self.scopes += [
            Scope(id=ScopeId(ORG), cloud=Cloud.AWS, kind=ScopeKind.ORGANIZATION, name="org"),
            Scope(
                id=ScopeId(ROOT),
                cloud=Cloud.AWS,
                kind=ScopeKind.ORGANIZATION_ROOT,
                name="Root",
                parent=ScopeId(ORG),
            ),
            Scope(
                id=ScopeId(OU),
                cloud=Cloud.AWS,
                kind=ScopeKind.ORGANIZATIONAL_UNIT,
                name="Workloads",
                parent=ScopeId(ROOT),
            ),
        ]
        self.scopes += [
            Scope(
                id=ScopeId(a),
                cloud=Cloud.AWS,
                kind=ScopeKind.ACCOUNT,
                name=a,
                parent=ScopeId(OU),
            )
            for a in accounts
        ]
        full = self._set("p-FullAWSAccess", PermissionSetKind.SERVICE_CONTROL_POLICY, ADMIN_DOC)
        for scope in (ROOT, OU, *accounts):
            self.guardrail(scope, full)

    def guardrail(self, scope: str, set_id: str, *, rcp: bool = False) -> None:
        """Attach an SCP (or RCP) to a scope."""
        kind = (
            ScopePolicyKind.RESOURCE_CONTROL_POLICY
            if rcp
            else ScopePolicyKind.SERVICE_CONTROL_POLICY
        )
        self.scope_policies.append(
            ScopePolicy(scope=ScopeId(scope), permission_set=PermissionSetId(set_id), kind=kind)
        )

    def scp(self, scope: str, name: str, document: Doc) -> None:
        """A service control policy attached to ``scope``."""
        set_id = self._set(f"p-{name}", PermissionSetKind.SERVICE_CONTROL_POLICY, document)
        self.guardrail(scope, set_id)

    def inventory(self) -> Inventory:
        """The estate as an inventory."""
        return Inventory(
            scopes=tuple(self.scopes),
            identities=tuple(self.identities),
            credentials=tuple(self.credentials),
            permission_sets=tuple(self.sets.values()),
            grants=tuple(self.grants),
            scope_policies=tuple(self.scope_policies),
            resources=tuple(self.resources),
            workloads=tuple(self.workloads),
        )
