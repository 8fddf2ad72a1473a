"""Privilege-escalation methods as data: one YAML catalog per cloud, loaded into typed records.

The AWS catalog (``catalogs/data/aws_escalation.yaml``) lists every publicly documented way an AWS
principal can turn the permissions it holds into more: the actions each method needs, the resource
each action must be allowed on, and the conditions on the estate that must hold. The graph builder
reads it to draw ``can_escalate`` edges; nothing here evaluates policies.

Loading is explicit (nothing happens at import time) and strict: the file is checked against
``schemas/escalation.schema.json`` and a few cross-entry rules, and any problem raises
:class:`~overgrant.errors.ConfigError` naming the file and the JSON pointer of the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, NewType, TypeVar

from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]

from overgrant.config import parse_yaml, read_text
from overgrant.errors import ConfigError
from overgrant.schemas import load_schema

MethodId = NewType("MethodId", str)
"""Stable kebab-case id of a method (``iam-create-policy-version``); findings key on it."""

ActionName = NewType("ActionName", str)
"""Canonical IAM action name, ``service:Action`` (``iam:PassRole``)."""

_AWS_CATALOG = "aws_escalation.yaml"
_E = TypeVar("_E", bound=StrEnum)


class Family(StrEnum):
    """How the attacker obtains the extra power."""

    POLICY_MODIFICATION = "policy-modification"
    """Rewrites what a policy (or a boundary, or a Deny) does to a principal."""
    CREDENTIAL_CREATION = "credential-creation"
    """Mints an access key or console password for another user."""
    GROUP_MEMBERSHIP = "group-membership"
    """Joins a group and inherits its policies."""
    TRUST_MODIFICATION = "trust-modification"
    """Changes who may become a role (trust policy, federation provider, identity pool)."""
    PASSROLE_COMPUTE = "passrole-compute"
    """Hands an existing role to a service that then runs the attacker's code with it."""
    CODE_INJECTION = "code-injection"
    """Changes what an existing resource runs while it keeps its role."""
    SESSION_ACCESS = "session-access"
    """Opens a session on, or as, something that already holds a role."""


class Target(StrEnum):
    """Whose permissions the attacker ends up with."""

    SELF = "self"
    """Its own principal, widened by whatever it can write."""
    OTHER_PRINCIPAL = "other-principal"
    """An existing user or role it can now act as."""
    PASSED_ROLE = "passed-role"
    """The role it passes to a service (the ``iam:PassRole`` resource)."""
    COMPUTE_ROLE = "compute-role"
    """The role an existing resource (function, instance, stack, project...) runs as."""


class PointsAt(StrEnum):
    """What the resource an action is authorised against is, within one method."""

    SELF = "self"
    """The attacker's own user or role."""
    SELF_GROUP = "self-group"
    """A group the attacker (a user) belongs to."""
    SELF_POLICY = "self-policy"
    """A customer-managed policy attached to the attacker, directly or through a group."""
    TARGET_PRINCIPAL = "target-principal"
    """The existing user or role whose access is gained."""
    TARGET_POLICY = "target-policy"
    """A customer-managed policy attached to the target principal."""
    TARGET_GROUP = "target-group"
    """The group whose permissions are gained by joining it."""
    PASSED_ROLE = "passed-role"
    """The role handed to the service; it is the one gained."""
    AUXILIARY_ROLE = "auxiliary-role"
    """A second role the service needs (see :attr:`PrerequisiteKind.AUXILIARY_ROLE`)."""
    COMPUTE = "compute"
    """The existing resource whose role is gained."""
    FEDERATION_PROVIDER = "federation-provider"
    """The SAML or OIDC provider being modified."""
    NEW_RESOURCE = "new-resource"
    """A resource the attacker creates; its name is the attacker's choice."""
    SUPPORTING_RESOURCE = "supporting-resource"
    """An existing resource the method uses that does not carry the gained role."""


class PrerequisiteKind(StrEnum):
    """Conditions on the estate that a method needs besides the permissions themselves."""

    ROLE_TRUSTS_SERVICE = "role-trusts-service"
    PASSED_TO_SERVICE = "passed-to-service"
    AUXILIARY_ROLE = "auxiliary-role"
    ROLE_HAS_INSTANCE_PROFILE = "role-has-instance-profile"
    ROLE_TRUSTS_ATTACKER = "role-trusts-attacker"
    ROLE_TRUSTS_FEDERATED_PROVIDER = "role-trusts-federated-provider"
    EXISTING_COMPUTE = "existing-compute"
    EXISTING_RESOURCE = "existing-resource"
    COMPUTE_RUNNING = "compute-running"
    INSTANCE_MANAGED_BY_SSM = "instance-managed-by-ssm"
    TARGET_HAS_NO_LOGIN_PROFILE = "target-has-no-login-profile"
    TARGET_HAS_LOGIN_PROFILE = "target-has-login-profile"
    TARGET_HAS_NO_MFA_DEVICE = "target-has-no-mfa-device"
    USER_HAS_FEWER_THAN_TWO_KEYS = "user-has-fewer-than-two-keys"
    POLICY_HAS_OTHER_VERSIONS = "policy-has-other-versions"
    POLICY_HAS_FREE_VERSION_SLOT = "policy-has-free-version-slot"
    ATTACKER_IS_USER = "attacker-is-user"
    ATTACKER_IS_ROLE = "attacker-is-role"
    HAS_PERMISSIONS_BOUNDARY = "has-permissions-boundary"
    DENY_POLICY_ATTACHED = "deny-policy-attached"
    SERVICE_LINKED_ROLE = "service-linked-role"
    MANUAL_CHECK = "manual-check"
    """Not decidable from an inventory: an edge needing it is reported as conditional."""


class ComputeKind(StrEnum):
    """Existing resources that run as a role (``existing-compute`` prerequisites)."""

    LAMBDA_FUNCTION = "lambda_function"
    EC2_INSTANCE = "ec2_instance"
    EC2_LAUNCH_TEMPLATE = "ec2_launch_template"
    GLUE_DEV_ENDPOINT = "glue_dev_endpoint"
    CODEBUILD_PROJECT = "codebuild_project"
    CLOUDFORMATION_STACK = "cloudformation_stack"
    CLOUDFORMATION_STACK_SET = "cloudformation_stack_set"
    SAGEMAKER_NOTEBOOK_INSTANCE = "sagemaker_notebook_instance"
    SAGEMAKER_USER_PROFILE = "sagemaker_user_profile"
    APPRUNNER_SERVICE = "apprunner_service"
    BEDROCK_CODE_INTERPRETER = "bedrock_code_interpreter"
    ECS_TASK = "ecs_task"
    STEP_FUNCTIONS_STATE_MACHINE = "step_functions_state_machine"


class ResourceKind(StrEnum):
    """Existing resources a method needs that do not carry the gained role."""

    EVENT_SOURCE = "event_source"
    """A DynamoDB stream, Kinesis stream or SQS queue that can feed a Lambda function."""
    GLUE_JOB = "glue_job"
    LAMBDA_FUNCTION = "lambda_function"
    CLOUDFORMATION_STACK = "cloudformation_stack"
    CLOUDFORMATION_STACK_SET = "cloudformation_stack_set"
    CODEBUILD_PROJECT = "codebuild_project"
    ECS_CLUSTER = "ecs_cluster"
    ECS_SERVICE = "ecs_service"
    ECS_TASK_DEFINITION = "ecs_task_definition"
    ECS_CONTAINER_INSTANCE = "ecs_container_instance"
    COGNITO_IDENTITY_POOL = "cognito_identity_pool"


class DenyAttachment(StrEnum):
    """How a deny-holding policy is attached to the attacker."""

    MANAGED = "managed"
    INLINE = "inline"
    GROUP = "group"


class ProviderType(StrEnum):
    """Kinds of federated principal a role trust policy can name."""

    SAML = "saml"
    OIDC = "oidc"
    COGNITO_IDENTITY = "cognito-identity"


@dataclass(frozen=True, slots=True, kw_only=True)
class Prerequisite:
    """One condition a method needs; only the parameter its kind defines is set."""

    kind: PrerequisiteKind
    service: str | None = None
    """Service principal (``lambda.amazonaws.com``) for the service-related kinds."""
    compute: ComputeKind | None = None
    """For ``existing-compute``: the kind of resource that runs as the gained role."""
    resource: ResourceKind | None = None
    """For ``existing-resource``: the kind of resource that must exist."""
    attachment: DenyAttachment | None = None
    """For ``deny-policy-attached``: how the restricting policy is attached."""
    provider_type: ProviderType | None = None
    """For ``role-trusts-federated-provider``: the kind of provider the role trusts."""
    note: str | None = None
    """For ``manual-check``: what a person has to confirm."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceBinding:
    """Which resource one action of a method must be allowed on."""

    action: ActionName
    resource_type: str
    """Service Authorization Reference resource type (``role``, ``function``), or ``"*"``."""
    points_at: PointsAt


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalationMethod:
    """One way to gain permissions beyond those held, with the evidence needed to find it."""

    id: MethodId
    name: str
    family: Family
    target: Target
    summary: str
    required: tuple[ActionName, ...]
    """Actions that must all be allowed (may be empty when :attr:`any_of` carries them)."""
    any_of: tuple[tuple[ActionName, ...], ...]
    """Alternative groups; all actions of at least one group must be allowed as well."""
    resources: tuple[ResourceBinding, ...]
    prerequisites: tuple[Prerequisite, ...]
    sources: tuple[str, ...]
    """Public pages documenting the method."""
    variant_of: MethodId | None = None
    """The method this one extends or narrows, when it is a variant."""
    external_ids: tuple[str, ...] = ()
    """The same method in other catalogs (``rhino:1``, ``pathfinding:iam-001``)."""

    @property
    def actions(self) -> frozenset[ActionName]:
        """Every action the method mentions, required or alternative."""
        return frozenset(self.required).union(*self.any_of)

    def action_sets(self) -> tuple[frozenset[ActionName], ...]:
        """Each complete set of actions that enables the method (one per alternative)."""
        if not self.any_of:
            return (frozenset(self.required),)
        return tuple(frozenset(self.required).union(group) for group in self.any_of)

    def bindings_for(self, action: ActionName) -> tuple[ResourceBinding, ...]:
        """The resource bindings of one action (an action may be checked on two resources)."""
        return tuple(binding for binding in self.resources if binding.action == action)

    def prerequisites_of(self, kind: PrerequisiteKind) -> tuple[Prerequisite, ...]:
        """The prerequisites of one kind."""
        return tuple(item for item in self.prerequisites if item.kind is kind)


def load_aws_escalation_methods(path: Path | None = None) -> tuple[EscalationMethod, ...]:
    """Load the AWS escalation catalog: the bundled one, or the file at ``path``.

    Raises:
        ConfigError: the file cannot be read, is not YAML, fails the schema, repeats an id,
            names an unknown ``variant_of``, or leaves an action without a resource binding.
    """
    if path is None:
        source = resources.files("overgrant.catalogs").joinpath("data", _AWS_CATALOG)
        name = str(source)
        text = source.read_text(encoding="utf-8")
    else:
        name = str(path)
        text = read_text(Path(path))
    return parse_escalation_catalog(text, name)


def parse_escalation_catalog(text: str, source: str) -> tuple[EscalationMethod, ...]:
    """Parse, validate and convert catalog text; ``source`` names it in error messages."""
    data = parse_yaml(text, source)
    _validate_schema(data, source)
    methods = tuple(_method(entry) for entry in data)
    _check_cross_references(methods, source)
    return methods


def _pointer(path: Iterable[str | int]) -> str:
    """RFC 6901 JSON pointer for a path of keys and indexes."""
    parts = [str(part).replace("~", "~0").replace("/", "~1") for part in path]
    return "/" + "/".join(parts) if parts else "/ (the document root)"


def _document_order(path: Sequence[str | int]) -> tuple[tuple[int, int | str], ...]:
    # Sorting key so that the problem reported is the first one in the file, whatever order
    # the validator visits keywords in; ints (list indexes) and strs never meet at one depth.
    return tuple((0, part) if isinstance(part, int) else (1, part) for part in path)


def _validate_schema(data: Any, source: str) -> None:
    validator = Draft202012Validator(load_schema("escalation"))
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    first = min(errors, key=lambda error: _document_order(list(error.absolute_path)))
    raise ConfigError(
        f"{source}: invalid escalation catalog at {_pointer(first.absolute_path)}: {first.message}"
    )


def _actions(names: Iterable[str]) -> tuple[ActionName, ...]:
    return tuple(ActionName(name) for name in names)


def _optional(enum: type[_E], entry: Mapping[str, Any], key: str) -> _E | None:
    value = entry.get(key)
    return None if value is None else enum(value)


def _prerequisite(entry: Mapping[str, Any]) -> Prerequisite:
    return Prerequisite(
        kind=PrerequisiteKind(entry["kind"]),
        service=entry.get("service"),
        compute=_optional(ComputeKind, entry, "compute"),
        resource=_optional(ResourceKind, entry, "resource"),
        attachment=_optional(DenyAttachment, entry, "attachment"),
        provider_type=_optional(ProviderType, entry, "provider_type"),
        note=entry.get("note"),
    )


def _method(entry: Mapping[str, Any]) -> EscalationMethod:
    variant_of = entry.get("variant_of")
    return EscalationMethod(
        id=MethodId(entry["id"]),
        name=entry["name"],
        family=Family(entry["family"]),
        target=Target(entry["target"]),
        summary=" ".join(entry["summary"].split()),
        required=_actions(entry["required"]),
        any_of=tuple(_actions(group) for group in entry.get("any_of", ())),
        resources=tuple(
            ResourceBinding(
                action=ActionName(binding["action"]),
                resource_type=binding["resource_type"],
                points_at=PointsAt(binding["points_at"]),
            )
            for binding in entry["resources"]
        ),
        prerequisites=tuple(_prerequisite(item) for item in entry["prerequisites"]),
        sources=tuple(entry["sources"]),
        variant_of=None if variant_of is None else MethodId(variant_of),
        external_ids=tuple(entry.get("external_ids", ())),
    )


def _check_cross_references(methods: Sequence[EscalationMethod], source: str) -> None:
    """Rules the schema cannot state: unique ids, known variants, every action bound."""
    seen: dict[MethodId, int] = {}
    for index, method in enumerate(methods):
        if method.id in seen:
            raise ConfigError(
                f"{source}: invalid escalation catalog at /{index}/id: "
                f"{method.id!r} is already the id of entry /{seen[method.id]}"
            )
        seen[method.id] = index
    for index, method in enumerate(methods):
        if method.variant_of is not None and (
            method.variant_of not in seen or method.variant_of == method.id
        ):
            raise ConfigError(
                f"{source}: invalid escalation catalog at /{index}/variant_of: "
                f"{method.variant_of!r} is not the id of another method"
            )
        _check_bindings(method, index, source)


def _check_bindings(method: EscalationMethod, index: int, source: str) -> None:
    for group_index, group in enumerate(method.any_of):
        overlap = sorted(set(group) & set(method.required))
        if overlap:
            raise ConfigError(
                f"{source}: invalid escalation catalog at /{index}/any_of/{group_index}: "
                f"{', '.join(overlap)} is already required"
            )
    bound = {binding.action for binding in method.resources}
    unbound = sorted(method.actions - bound)
    if unbound:
        raise ConfigError(
            f"{source}: invalid escalation catalog at /{index}/resources: "
            f"no resource binding for {', '.join(unbound)}"
        )
    for binding_index, binding in enumerate(method.resources):
        if binding.action not in method.actions:
            raise ConfigError(
                f"{source}: invalid escalation catalog at "
                f"/{index}/resources/{binding_index}/action: {binding.action} is neither "
                "required nor in any_of"
            )
