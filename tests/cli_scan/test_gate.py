"""The gate as pure functions: only new findings at or above the threshold fail it."""

from __future__ import annotations

import pytest

from overgrant.baseline import diff_findings
from overgrant.errors import ExitCode
from overgrant.findings import Severity
from overgrant.gate import compare_result, evaluate_gate, gate_against_baseline, gate_scan
from overgrant.policies.result import SuppressionKind
from tests.store.factories import finding, scan_result, suppressed

OLD_HIGH = finding("OG101", "arn:aws:iam::1:role/old", Severity.HIGH)
NEW_CRITICAL = finding("OG201", "arn:aws:iam::1:role/new", Severity.CRITICAL)
NEW_LOW = finding("OG410", "arn:aws:iam::1:role/new", Severity.LOW)
FIXED = finding("OG301", "arn:aws:iam::1:role/gone", Severity.HIGH)


@pytest.mark.parametrize(
    ("threshold", "failing"),
    [
        (Severity.CRITICAL, ["OG201"]),
        (Severity.HIGH, ["OG201"]),
        (Severity.LOW, ["OG201", "OG410"]),
        (Severity.INFO, ["OG201", "OG410"]),
        (None, []),
    ],
)
def test_only_new_findings_at_or_above_the_threshold_fail(
    threshold: Severity | None, failing: list[str]
) -> None:
    diff = diff_findings([OLD_HIGH, FIXED], [OLD_HIGH, NEW_CRITICAL, NEW_LOW])
    outcome = evaluate_gate(diff, threshold)
    assert [f.rule_id for f in outcome.failing] == failing
    assert outcome.new == 2
    assert outcome.exit_code is (ExitCode.GATE_FAILED if failing else ExitCode.OK)
    assert outcome.exit_code == (1 if failing else 0)


def test_suppressed_findings_never_fail_even_when_new() -> None:
    diff = diff_findings([], [NEW_CRITICAL, NEW_LOW])
    outcome = evaluate_gate(diff, Severity.INFO, suppressed=[NEW_CRITICAL])
    assert [f.rule_id for f in outcome.failing] == ["OG410"]
    assert outcome.new == 1


def test_against_a_baseline_file() -> None:
    outcome = gate_against_baseline([OLD_HIGH, NEW_LOW], [OLD_HIGH], Severity.HIGH)
    assert outcome.passed and outcome.new == 1
    assert "passed, 0 of 1 new" in outcome.summary()
    failed = gate_against_baseline([OLD_HIGH, NEW_LOW], [OLD_HIGH], Severity.LOW)
    assert not failed.passed and "failed, 1 of 1 new" in failed.summary()
    assert "gate: off" in gate_against_baseline([NEW_LOW], [], None).summary()


def test_a_scan_result_compared_with_its_reference() -> None:
    result = scan_result(
        [NEW_CRITICAL, NEW_LOW],
        [
            suppressed(OLD_HIGH, SuppressionKind.BASELINE),
            suppressed(FIXED, SuppressionKind.CONFIG),
        ],
    )
    # FIXED is suppressed now: it is not "fixed" though the reference holds it
    diff = compare_result(result, [OLD_HIGH, FIXED])
    assert {f.rule_id for f in diff.new} == {"OG201", "OG410"}
    assert [f.rule_id for f in diff.unchanged] == ["OG101"]
    assert diff.fixed == ()
    everything_new = compare_result(result, None)
    assert {f.rule_id for f in everything_new.new} == {"OG201", "OG410", "OG101"}


def test_baselined_and_config_suppressed_findings_never_fail_a_scan() -> None:
    result = scan_result(
        [NEW_LOW],
        [
            suppressed(NEW_CRITICAL, SuppressionKind.CONFIG),
            suppressed(OLD_HIGH, SuppressionKind.BASELINE),
        ],
    )
    # no reference at all: OLD_HIGH would be new, but the scan already marked it baselined
    diff, outcome = gate_scan(result, None, Severity.HIGH)
    assert outcome.passed and outcome.failing == ()
    assert outcome.new == 1  # NEW_LOW only
    _, low = gate_scan(result, None, Severity.LOW)
    assert [f.rule_id for f in low.failing] == ["OG410"]
    assert NEW_CRITICAL not in diff.new
