"""``action.yml`` itself: well formed, every expression understood, inputs never spliced into
scripts (an input holding ``"; curl ... #`` must stay data)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.action.conftest import ROOT
from tests.action.runner import LocalAction, parse_outputs, tokenize

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")


def all_expressions() -> list[str]:
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.extend(m.strip() for m in EXPRESSION.findall(value))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(ACTION)
    found.extend(str(s["if"]) for s in STEPS if "if" in s)
    return found


def test_composite_with_the_documented_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    for name in ("snapshot", "role-to-assume", "aws-region", "fail-on", "config", "baseline"):
        assert name in inputs
    assert inputs["fail-on"]["default"] == "high"
    assert inputs["github-token"]["default"] == "${{ github.token }}"
    assert inputs["comment"]["default"] == "true" and inputs["upload-sarif"]["default"] == "true"
    for spec in inputs.values():
        assert spec["description"] and isinstance(spec.get("default", ""), str)


def test_every_expression_names_a_declared_input_or_step() -> None:
    inputs = set(ACTION["inputs"])
    step_ids = {s["id"] for s in STEPS if "id" in s}
    for expression in all_expressions():
        for kind, text in tokenize(expression):
            if kind != "name":
                continue
            head, _, rest = text.partition(".")
            if head == "inputs":
                assert rest in inputs, expression
            elif head == "steps":
                assert rest.split(".")[0] in step_ids, expression
            else:
                assert text in ("github.token", "github.action_path"), expression


def test_scripts_never_contain_input_expressions() -> None:
    for step in STEPS:
        if "run" in step:
            assert step["shell"] == "bash"
            for expression in EXPRESSION.findall(step["run"]):
                assert expression.strip() == "github.action_path", step["name"]


def test_external_actions_are_pinned_to_a_major_version() -> None:
    uses = {s["uses"] for s in STEPS if "uses" in s}
    assert uses == {
        "actions/setup-python@v5",
        "aws-actions/configure-aws-credentials@v4",
        "github/codeql-action/upload-sarif@v3",
    }
    for step in STEPS:
        assert ("uses" in step) != ("run" in step), step["name"]


def test_only_the_sarif_upload_may_fail_without_failing_the_job() -> None:
    tolerant = [s["name"] for s in STEPS if s.get("continue-on-error")]
    assert tolerant == ["Upload SARIF to code scanning"]


def test_the_gate_is_applied_last() -> None:
    last = STEPS[-1]
    assert "gate.py" in last["run"] and "if" not in last
    assert [s["name"] for s in STEPS].index("Scan") < len(STEPS) - 1


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("inputs.comment == 'true'", True),
        ("inputs.comment == 'TRUE'", True),
        ("inputs.comment != 'true'", False),
        ("inputs.snapshot != '' && inputs.comment == 'true'", False),
        ("inputs.snapshot != '' || inputs.comment == 'true'", True),
        ("!(inputs.snapshot != '')", True),
        ("always() && steps.scan.outputs.sarif-file == ''", True),
        ("success()", False),
        ("failure()", True),
    ],
)
def test_the_local_runner_evaluates_like_github(expression: str, expected: bool) -> None:
    context = {
        "inputs": {"comment": "true", "snapshot": ""},
        "steps": {},
        "github": {},
        "runner": {},
    }
    assert LocalAction(ROOT).evaluate(expression, context, failed=True) is expected


def test_output_file_parsing(tmp_path: Path) -> None:
    text = "a=1\nb<<EOF_x\nline 1\nline=2\nEOF_x\nc=\n"
    assert parse_outputs(text) == {"a": "1", "b": "line 1\nline=2", "c": ""}
