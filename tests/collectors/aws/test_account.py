"""One account collected live through boto3 from moto: every kind of object lands in the inventory.

The estate is seeded and collected once for the module; each test checks one part of it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from overgrant.collectors.aws.export import import_authorization_details
from overgrant.collectors.aws.live import collect_aws
from overgrant.model import (
    CredentialKind,
    GrantPurpose,
    Identity,
    IdentityKind,
    Inventory,
    Nature,
    PermissionSetKind,
    ProviderKind,
    ScopeKind,
    WorkloadKind,
)

from .estate import ACCOUNT, GITHUB, Seeded, seed_account
from .harness import Moto


@dataclasses.dataclass(frozen=True)
class Collected:
    seeded: Seeded
    inventory: Inventory
    export: dict[str, Any]
    """GetAccountAuthorizationDetails as the AWS CLI would print it, read at the same time."""
    progress: list[tuple[str, int, int]]


def _as_cli_json(value: Any) -> Any:
    """What ``aws iam get-account-authorization-details`` prints: ISO timestamps, no metadata."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _as_cli_json(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [_as_cli_json(v) for v in value]
    return value


@pytest.fixture(scope="module")
def collected(moto_server: str) -> Iterator[Collected]:
    moto = Moto(moto_server)
    moto.reset()
    seeded = seed_account(moto)
    export = _as_cli_json(moto.client("iam").get_account_authorization_details())
    progress: list[tuple[str, int, int]] = []
    inventory = collect_aws(
        moto.options(), session=moto.session(), progress=lambda *a: progress.append(a)
    )
    yield Collected(seeded, inventory, export, progress)
    moto.reset()


def _identity(inventory: Inventory, name: str) -> Identity:
    return next(i for i in inventory.identities if i.name == name)


def test_the_account_is_collected_whole_and_clean(collected: Collected) -> None:
    inventory = collected.inventory
    assert inventory.coverage_gaps == ()
    assert [(s.id, s.kind) for s in inventory.scopes] == [(ACCOUNT, ScopeKind.ACCOUNT)]
    assert [s.kind for s in inventory.sources] == ["aws-live"]
    assert collected.progress == [
        (f"collecting account {ACCOUNT}", 0, 1),
        (f"account {ACCOUNT}: collected", 1, 1),
    ]


def test_roles_keep_their_trust_and_nature(collected: Collected) -> None:
    inventory = collected.inventory
    roles = {i.name: i for i in inventory.identities if i.kind is IdentityKind.ROLE}
    assert set(roles) == set(collected.seeded.roles)
    documents = {p.id: p.document for p in inventory.permission_sets}
    github = roles["github-deploy"]
    assert github.nature is Nature.WORKLOAD
    assert GITHUB in github.nature_reason
    trust: Any = documents[f"{github.id}#trust"]
    assert trust["Statement"][0]["Principal"] == {"Federated": collected.seeded.arns["github"]}
    cross = roles["cross-account-audit"]
    cross_trust: Any = documents[f"{cross.id}#trust"]
    assert cross_trust["Statement"][0]["Condition"] == {
        "StringEquals": {"sts:ExternalId": "audit-123"}
    }
    assert roles["lambda-exec"].attributes["path"] == "/service/"
    assert "lambda.amazonaws.com" in roles["lambda-exec"].nature_reason


def test_inline_managed_and_boundary_policies_are_granted(collected: Collected) -> None:
    inventory = collected.inventory
    role = collected.seeded.roles["lambda-exec"]
    grants = {(g.permission_set, g.purpose) for g in inventory.grants if g.identity == role}
    policies = collected.seeded.policies
    assert grants == {
        (f"{role}#inline/logs", GrantPurpose.ALLOW),
        (policies["app-read"], GrantPurpose.ALLOW),
        (policies["dev-boundary"], GrantPurpose.BOUNDARY),
    }
    kinds = {p.id: p.kind for p in inventory.permission_sets}
    assert kinds[policies["app-read"]] is PermissionSetKind.MANAGED_POLICY
    assert kinds[f"{role}#inline/logs"] is PermissionSetKind.INLINE_POLICY
    group = _identity(inventory, "developers")
    assert group.kind is IdentityKind.GROUP
    assert group.id in _identity(inventory, "alice").member_of
    assert {g.permission_set for g in inventory.grants if g.identity == group.id} == {
        policies["app-read"],
        f"{group.id}#inline/queues",
    }


def test_users_are_told_apart_by_their_credentials(collected: Collected) -> None:
    inventory = collected.inventory
    ci_bot = _identity(inventory, "ci-bot")
    alice = _identity(inventory, "alice")
    assert (ci_bot.nature, ci_bot.nature_reason) == (
        Nature.WORKLOAD,
        "has access keys and no console password",
    )
    assert (alice.nature, alice.nature_reason) == (Nature.HUMAN, "has a console password")
    credentials = {(c.identity, c.kind): c for c in inventory.credentials}
    key = credentials[ci_bot.id, CredentialKind.ACCESS_KEY]
    assert key.id == collected.seeded.keys["ci-bot"]["id"]
    assert key.active
    assert key.created is not None
    # The key signed an STS request while the estate was seeded.
    assert key.last_used is not None
    assert (key.last_used_service, key.last_used_region) == ("sts", "us-east-1")
    assert ci_bot.last_used == key.last_used
    old_key = credentials[alice.id, CredentialKind.ACCESS_KEY]
    assert not old_key.active
    assert (old_key.last_used, old_key.last_used_service) == (None, None)
    assert credentials[alice.id, CredentialKind.PASSWORD].id == f"{alice.id}#password"
    assert credentials[alice.id, CredentialKind.MFA_DEVICE].id == collected.seeded.arns["alice-mfa"]
    assert (ci_bot.id, CredentialKind.PASSWORD) not in credentials


def test_workloads_run_as_their_roles(collected: Collected) -> None:
    workloads = {w.kind: w for w in collected.inventory.workloads}
    assert len(collected.inventory.workloads) == 3  # the instance without a profile is not one
    roles = collected.seeded.roles
    instance = workloads[WorkloadKind.EC2_INSTANCE]
    assert instance.name == "web-1"
    assert instance.id.endswith(f":{ACCOUNT}:instance/{collected.seeded.arns['instance']}")
    assert instance.identities == (roles["ec2-app"],)
    assert str(instance.attributes["instance_profile"]).endswith(
        ":instance-profile/ec2-app-profile"
    )
    function = workloads[WorkloadKind.LAMBDA_FUNCTION]
    assert (function.id, function.identities) == (
        collected.seeded.arns["function"],
        (roles["lambda-exec"],),
    )
    task = workloads[WorkloadKind.ECS_TASK_DEFINITION]
    assert task.id == collected.seeded.arns["task"]
    # The execution role was given by bare name; it resolves to the ARN, path included.
    assert task.identities == (roles["ecs-task"], roles["lambda-exec"])
    assert task.attributes["execution_role"] == roles["lambda-exec"]


def test_federation_providers_are_collected(collected: Collected) -> None:
    (provider,) = collected.inventory.federation_providers
    assert provider.id == collected.seeded.arns["github"]
    assert provider.kind is ProviderKind.OIDC
    assert (provider.url, provider.audiences) == (GITHUB, ("sts.amazonaws.com",))
    assert provider.attributes["thumbprints"] == ["a" * 40]


def test_resource_policies_are_collected(collected: Collected) -> None:
    inventory = collected.inventory
    resources = {r.name: r for r in inventory.resources}
    seeded = collected.seeded.arns
    expected = {
        "data-bucket-one": ("s3:bucket", "arn:aws:s3:::data-bucket-one", True),
        "plain-bucket-two": ("s3:bucket", "arn:aws:s3:::plain-bucket-two", False),
        seeded["key"].rsplit("/", 1)[-1]: ("kms:key", seeded["key"], True),
        "processor": ("lambda:function", seeded["function"], True),
        "orders": ("sqs:queue", f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders", True),
        "quiet": ("sqs:queue", f"arn:aws:sqs:us-east-1:{ACCOUNT}:quiet", False),
        "alerts": ("sns:topic", seeded["topic"], True),
        "db-password": ("secretsmanager:secret", seeded["secret"], True),
        "no-policy": ("secretsmanager:secret", None, False),
    }
    assert set(resources) == set(expected)
    documents = {p.id: p for p in inventory.permission_sets}
    for name, (kind, arn, has_policy) in expected.items():
        resource = resources[name]
        assert resource.type == kind
        assert arn is None or resource.id == arn
        assert (resource.policy is not None) is has_policy, name
        if resource.policy is not None:
            assert resource.policy == f"{resource.id}#policy"
            assert documents[resource.policy].kind is PermissionSetKind.RESOURCE_POLICY
    bucket_policy: Any = documents["arn:aws:s3:::data-bucket-one#policy"].document
    assert bucket_policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    lambda_policy: Any = documents[f"{seeded['function']}#policy"].document
    assert lambda_policy["Statement"][0]["Principal"] == {"Service": "s3.amazonaws.com"}


def test_live_and_import_of_the_same_account_agree(collected: Collected, tmp_path: Path) -> None:
    export = tmp_path / "authz.json"
    export.write_text(json.dumps(collected.export))
    imported = import_authorization_details([export])
    live = collected.inventory

    def sign_in_free(identity: Identity) -> Identity:
        # Exports carry no passwords, MFA devices or keys: the nature of users and their last
        # use are what a live collection adds, and all it adds to identities.
        if identity.kind is not IdentityKind.USER:
            return identity
        return dataclasses.replace(
            identity, nature=Nature.UNKNOWN, nature_reason="", last_used=None, last_used_region=None
        )

    def by_id(identities: tuple[Identity, ...]) -> dict[str, Identity]:
        return {i.id: sign_in_free(i) for i in identities}

    assert by_id(live.identities) == by_id(imported.identities)
    authz_kinds = set(PermissionSetKind) - {PermissionSetKind.RESOURCE_POLICY}
    live_documents = {p.id: p for p in live.permission_sets if p.kind in authz_kinds}
    assert live_documents == {p.id: p for p in imported.permission_sets}
    assert sorted(map(repr, live.grants)) == sorted(map(repr, imported.grants))
    users = [i for i in imported.identities if i.kind is IdentityKind.USER]
    assert {i.nature for i in users} == {Nature.UNKNOWN}
