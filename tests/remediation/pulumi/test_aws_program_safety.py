"""Generated programs stay code we wrote: hostile cloud text is data, and mismatches are refused."""

from __future__ import annotations

import ast
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from overgrant.errors import InputError
from overgrant.model import IdentityId, PermissionSetId
from overgrant.remediation.plan import NewPolicy, Replacement
from overgrant.remediation.pulumi import render_aws_programs
from tests.remediation.pulumi import plans
from tests.remediation.pulumi.harness import run_under_mocks, write_program

DATA_PIPELINE = "arn:aws:iam::222222222222:role/data-pipeline"
ESCAPE = '"""\nraise SystemExit(7)\n# \u2028\\'
HOSTILE_NAME = 'data-pipeline"<img src=x onerror=alert(1)>\nraise SystemExit(8)\n#'
HOSTILE_TAGS = {
    'team"\n': ESCAPE,
    "braces": "{ACCOUNT_ID} {0!r} %s",
    "quote'": 'it\'s "quoted"\r\nimport os',
}


def hostile_inventory() -> object:
    inventory = plans.inventory()
    return plans.with_identity_attributes(
        inventory,
        DATA_PIPELINE,
        name=HOSTILE_NAME,
        tags=HOSTILE_TAGS,
        attributes={"path": "/", "description": ESCAPE, "max_session_duration": 7200},
    )


def hostile_plan() -> object:
    plan = dataclasses.replace(
        plans.data_pipeline(),
        name=HOSTILE_NAME,
        summary="fine\nraise SystemExit(5)",
        evidence_sources=("cloudtrail-files\nraise SystemExit(6)",),
        new_policies=(
            NewPolicy(
                name="data-pipeline-least-privilege",
                document={**plans.DATA_PIPELINE_DOC, "Id": ESCAPE},
                description=ESCAPE,
            ),
        ),
    )
    return plans.remediation_plan(plan)


def test_hostile_text_is_embedded_as_data(tmp_path: Path) -> None:
    programs = render_aws_programs(hostile_plan(), hostile_inventory())  # type: ignore[arg-type]
    registered = run_under_mocks(programs["222222222222"], tmp_path)  # exits 0: nothing injected
    (role,) = [r for r in registered.resources if r["type"] == "aws:iam/role:Role"]
    assert role["inputs"]["tags"] == HOSTILE_TAGS
    assert role["inputs"]["name"] == role["import_id"] == HOSTILE_NAME
    assert role["inputs"]["description"] == ESCAPE
    assert role["inputs"]["maxSessionDuration"] == 7200
    assert role["ignore_changes"] == []  # both are known now, so both are declared
    (policy,) = [r for r in registered.resources if r["type"] == "aws:iam/policy:Policy"]
    assert json.loads(policy["inputs"]["policy"])["Id"] == ESCAPE
    assert policy["inputs"]["description"] == ESCAPE


def test_hostile_text_adds_no_statement(tmp_path: Path) -> None:
    programs = render_aws_programs(hostile_plan(), hostile_inventory())  # type: ignore[arg-type]
    module = ast.parse(programs["222222222222"].files["__main__.py"])
    kinds = [type(node).__name__ for node in module.body]
    assert kinds == [
        "Expr",  # docstring
        "ImportFrom",
        "Import",
        "Import",
        "Import",
        "Assign",  # ACCOUNT_ID
        "Assign",  # PROVIDER
        "FunctionDef",  # adopt
        "FunctionDef",  # owned
        "FunctionDef",  # role_data_pipeline
        "Expr",  # role_data_pipeline()
    ]
    assert not any(
        line.strip().startswith(("raise", "import os"))
        for line in programs["222222222222"].files["__main__.py"].splitlines()
    )


def test_hostile_names_stay_text_in_the_readme() -> None:
    programs = render_aws_programs(hostile_plan(), hostile_inventory())  # type: ignore[arg-type]
    html = (
        MarkdownIt("commonmark").enable("table").render(programs["222222222222"].files["README.md"])
    )
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; raise SystemExit(8)" in html


def test_generated_files_pass_ruff_lint_and_format(tmp_path: Path) -> None:
    programs = render_aws_programs(plans.remediation_plan(), plans.inventory())
    for program in programs.values():
        write_program(program, tmp_path)
    ruff = [sys.executable, "-m", "ruff"]
    options = ["--isolated", "--line-length", "100", str(tmp_path)]
    lint = subprocess.run(
        [*ruff, "check", "--select", "E,F,W,B,UP,I,SIM", *options],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run(
        [*ruff, "format", "--check", *options], capture_output=True, text=True, check=False
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_project_files_name_the_account_and_pin_the_sdks() -> None:
    program = render_aws_programs(plans.remediation_plan(), plans.inventory())["111111111111"]
    assert program.files["Pulumi.yaml"].startswith("name: overgrant-aws-111111111111\n")
    assert "  name: python\n" in program.files["Pulumi.yaml"]
    assert program.files["requirements.txt"].splitlines() == [
        "pulumi>=3.130,<4",
        "pulumi-aws>=7.0,<8",
    ]
    readme = program.files["README.md"]
    assert "aws iam attach-user-policy --user-name ci-deploy --policy-arn " in readme
    assert (
        "aws iam put-user-policy --user-name ci-deploy --policy-name pass-any-role "
        "--policy-document file://overgrant-remediation/aws-111111111111/rollback/"
        "user-ci-deploy/pass-any-role.json"
    ) in readme


def _render(plan: object) -> None:
    render_aws_programs(plans.remediation_plan(plan), plans.inventory())  # type: ignore[arg-type]


def test_plan_for_an_identity_missing_from_the_snapshot_is_refused() -> None:
    plan = dataclasses.replace(
        plans.data_pipeline(), identity=IdentityId("arn:aws:iam::222222222222:role/gone")
    )
    with pytest.raises(InputError, match="the snapshot lacks"):
        _render(plan)


def test_replacing_a_policy_the_identity_does_not_hold_is_refused() -> None:
    other = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    plan = dataclasses.replace(
        plans.data_pipeline(),
        replaces=(
            Replacement(permission_set=PermissionSetId(other), name="ReadOnlyAccess", managed=True),
        ),
    )
    with pytest.raises(InputError, match="ReadOnlyAccess"):
        _render(plan)


def test_same_policy_name_twice_in_an_account_is_refused() -> None:
    clash = dataclasses.replace(plans.orders_api(), new_policies=plans.data_pipeline().new_policies)
    with pytest.raises(InputError, match="unique per account"):
        render_aws_programs(plans.remediation_plan(plans.data_pipeline(), clash), plans.inventory())


def test_account_that_is_not_twelve_digits_is_refused() -> None:
    plan = dataclasses.replace(plans.data_pipeline(), account="../../etc")
    with pytest.raises(InputError, match="not an AWS account id"):
        _render(plan)


def test_groups_are_not_remediated() -> None:
    group = next(i for i in plans.inventory().identities if i.kind.value == "group")
    plan = dataclasses.replace(
        plans.data_pipeline(),
        identity=group.id,
        account=group.container,
        name=group.name,
        replaces=(),
    )
    with pytest.raises(InputError, match="only AWS roles and users"):
        _render(plan)
