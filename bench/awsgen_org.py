"""The organization: accounts, OUs, how many roles each account holds, and the organizations
export (describe-organization, list-roots, OUs, list-accounts, SCPs and RCPs with their targets).
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from awsgen_common import (
    APPS,
    EMAIL_DOMAIN,
    EXPORTED_AT,
    FIRST_NAMES,
    LOWER_ALNUM,
    REGION_WEIGHTS,
    REGIONS,
    AccountFacts,
    Json,
    OrgFacts,
    iso,
    moment_between,
    token,
)
from awsgen_scp import aws_policy, guardrails

ROLES_PER_ACCOUNT = 2_000
"""Default density: one account for every this many roles."""
_PLATFORM = ("security", "log-archive", "shared-services", "network")
_PLATFORM_OU = {
    "security": "Security",
    "log-archive": "Security",
    "shared-services": "Infrastructure",
    "network": "Infrastructure",
}
# name, parent name (None: the root)
_OUS = (
    ("Security", None),
    ("Infrastructure", None),
    ("Workloads", None),
    ("Prod", "Workloads"),
    ("NonProd", "Workloads"),
    ("Sandbox", None),
    ("Suspended", None),
)


@dataclass(slots=True)
class AccountPlan:
    facts: AccountFacts
    ou: str | None
    """The OU's name, or ``None`` for an account directly under the root."""
    roles: int = 0
    status: str = "ACTIVE"
    joined_method: str = "CREATED"
    joined: datetime = field(default_factory=lambda: EXPORTED_AT)


@dataclass(slots=True)
class OrgPlan:
    facts: OrgFacts
    root_id: str
    ou_ids: dict[str, str]
    accounts: list[AccountPlan]


def _account_id(rng: random.Random, taken: set[str]) -> str:
    while True:
        value = str(rng.randrange(100_000_000_000, 1_000_000_000_000))
        if value not in taken:
            taken.add(value)
            return value


def _account_names(rng: random.Random, count: int) -> list[tuple[str, str, str | None]]:
    """(name, env, OU) for each account: management, platform accounts, then workloads."""
    names: list[tuple[str, str, str | None]] = [("management", "prod", None)]
    names += [(n, "prod", _PLATFORM_OU[n]) for n in _PLATFORM][: count - 1]
    combos = [(app, env) for env in ("prod", "staging", "dev") for app in APPS]
    rng.shuffle(combos)
    index = 0
    while len(names) < count:
        if count >= 10 and len(names) == count - 1:
            names.append(("closed-legacy", "dev", "Suspended"))
            continue
        if rng.random() < 0.05:
            names.append((f"sandbox-{rng.choice(FIRST_NAMES)}-{len(names)}", "sandbox", "Sandbox"))
            continue
        app, env = combos[index % len(combos)]
        suffix = "" if index < len(combos) else f"-{index // len(combos) + 1}"
        names.append((f"{app}-{env}{suffix}", env, "Prod" if env == "prod" else "NonProd"))
        index += 1
    return names


def _role_counts(rng: random.Random, plans: list[AccountPlan], total: int) -> list[int]:
    """Split ``total`` over the accounts by random weights (largest remainder: exact sum)."""
    fixed = {
        "management": 0.4,
        "security": 0.5,
        "log-archive": 0.2,
        "shared-services": 0.8,
        "network": 0.3,
        "closed-legacy": 0.05,
    }
    weights = [
        fixed.get(p.facts.name, 0.2 if p.facts.env == "sandbox" else rng.lognormvariate(0, 0.7))
        for p in plans
    ]
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    counts = [math.floor(s) for s in shares]
    order = sorted(range(len(plans)), key=lambda i: counts[i] - shares[i])
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def plan_organization(rng: random.Random, roles: int, accounts: int | None) -> OrgPlan:
    count = accounts if accounts is not None else max(1, math.ceil(roles / ROLES_PER_ACCOUNT))
    taken: set[str] = set()
    ids = [_account_id(rng, taken) for _ in range(count)]
    names = _account_names(rng, count)
    org_id = f"o-{token(rng, LOWER_ALNUM, 10)}"
    root_suffix = token(rng, LOWER_ALNUM, 4)
    by_name = {name: ids[i] for i, (name, _, _) in enumerate(names)}
    facts = OrgFacts(
        org_id=org_id,
        management_id=ids[0],
        account_ids=ids,
        security_id=by_name.get("security", ids[0]),
        shared_services_id=by_name.get("shared-services", ids[0]),
        vendor_ids=[_account_id(rng, taken) for _ in range(4)],
    )
    created = moment_between(
        rng, datetime(2016, 1, 1, tzinfo=UTC), datetime(2017, 6, 1, tzinfo=UTC)
    )
    plans = []
    for i, (name, env, ou) in enumerate(names):
        per_account = max(3, min(len(APPS), 3 + roles // (150 * count)))
        apps = _account_apps(rng, name, per_account)
        region = rng.choices(REGIONS, weights=REGION_WEIGHTS)[0]
        acct = AccountFacts(
            id=ids[i], name=name, env=env, region=region, is_management=i == 0, apps=apps, org=facts
        )
        plans.append(
            AccountPlan(
                facts=acct,
                ou=ou,
                status="SUSPENDED" if ou == "Suspended" else "ACTIVE",
                joined_method="INVITED" if i == 0 or rng.random() < 0.12 else "CREATED",
                joined=created
                if i == 0
                else moment_between(rng, created, EXPORTED_AT - timedelta(days=60)),
            )
        )
    for plan, share in zip(plans, _role_counts(rng, plans, roles), strict=True):
        plan.roles = share
    ou_ids = {name: f"ou-{root_suffix}-{token(rng, LOWER_ALNUM, 8)}" for name, _ in _OUS}
    return OrgPlan(facts=facts, root_id=f"r-{root_suffix}", ou_ids=ou_ids, accounts=plans)


def _account_apps(rng: random.Random, name: str, count: int) -> list[str]:
    """A workload account centres on its own app; platform accounts host a random few."""
    own = next((app for app in APPS if name.startswith(f"{app}-")), None)
    others = rng.sample([a for a in APPS if a != own], count - (1 if own else 0))
    return [own, *others] if own else others


def _target(item: Json, kind: str) -> Json:
    return {"TargetId": item["Id"], "Arn": item["Arn"], "Name": item["Name"], "Type": kind}


def _organizational_units(prefix: str, plan: OrgPlan) -> list[Json]:
    org_id = plan.facts.org_id
    return [
        {
            "Id": plan.ou_ids[name],
            "Arn": f"{prefix}:ou/{org_id}/{plan.ou_ids[name]}",
            "Name": name,
            "ParentId": plan.ou_ids[parent] if parent else plan.root_id,
        }
        for name, parent in _OUS
    ]


def _account_entry(prefix: str, account: AccountPlan, plan: OrgPlan) -> Json:
    facts = account.facts
    return {
        "Id": facts.id,
        "Arn": f"{prefix}:account/{plan.facts.org_id}/{facts.id}",
        "Email": f"aws+{facts.name}@{EMAIL_DOMAIN}",
        "Name": facts.name,
        "Status": account.status,
        "JoinedMethod": account.joined_method,
        "JoinedTimestamp": iso(account.joined),
        "ParentId": plan.ou_ids[account.ou] if account.ou else plan.root_id,
    }


def _policies(
    rng: random.Random, prefix: str, org: OrgFacts, targets: dict[str, Json]
) -> list[Json]:
    """FullAWSAccess and RCPFullAWSAccess on every target, then the custom guardrails."""
    every = list(targets.values())
    policies = [
        aws_policy("FullAWSAccess", "SERVICE_CONTROL_POLICY", every),
        aws_policy("RCPFullAWSAccess", "RESOURCE_CONTROL_POLICY", every),
    ]
    for rail in guardrails(org):
        policy_id = f"p-{token(rng, LOWER_ALNUM, 10)}"
        summary = {
            "Id": policy_id,
            "Arn": f"{prefix}:policy/{org.org_id}/{rail.kind.lower()}/{policy_id}",
            "Name": rail.name,
            "Description": rail.description,
            "Type": rail.kind,
            "AwsManaged": False,
        }
        attached = [targets[name] for name in rail.targets if name in targets]
        content = json.dumps(rail.document, indent=4)  # the console stores it pretty-printed
        policies.append({"PolicySummary": summary, "Content": content, "Targets": attached})
    return policies


def organization_export(rng: random.Random, plan: OrgPlan) -> Json:
    """The overgrant organizations export, assembled as from the ``aws organizations`` CLI."""
    org = plan.facts
    prefix = f"arn:aws:organizations::{org.management_id}"
    root_arn = f"{prefix}:root/{org.org_id}/{plan.root_id}"
    ous = _organizational_units(prefix, plan)
    accounts = [_account_entry(prefix, a, plan) for a in plan.accounts]
    targets = {"Root": {"TargetId": plan.root_id, "Arn": root_arn, "Name": "Root", "Type": "ROOT"}}
    targets.update({ou["Name"]: _target(ou, "ORGANIZATIONAL_UNIT") for ou in ous})
    targets.update({a["Name"]: _target(a, "ACCOUNT") for a in accounts})
    organization = {
        "Id": org.org_id,
        "Arn": f"{prefix}:organization/{org.org_id}",
        "FeatureSet": "ALL",
        "MasterAccountArn": accounts[0]["Arn"],
        "MasterAccountId": org.management_id,
        "MasterAccountEmail": accounts[0]["Email"],
        "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}],
    }
    enabled = [
        {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"},
        {"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"},
    ]
    roots = [{"Id": plan.root_id, "Arn": root_arn, "Name": "Root", "PolicyTypes": enabled}]
    return {
        "Organization": organization,
        "Roots": roots,
        "OrganizationalUnits": ous,
        "Accounts": accounts,
        "Policies": _policies(rng, prefix, org, targets),
    }
