"""The whole Action, step by step, as a pull request job would run it.

Every ``run:`` step executes for real (bash, the scripts, ``python -m overgrant scan``) with a
prepared GITHUB_* environment; ``uses:`` steps (setup-python, AWS credentials, SARIF upload) are
recorded with their inputs. The REST API is the local stand-in on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from overgrant import api
from overgrant.cli.main import cli
from tests.action.conftest import PR_NUMBER, TOKEN, Job
from tests.action.runner import ActionRun
from tests.cli_scan.helpers import run_overgrant

MARKER = "<!-- overgrant-report -->"


@pytest.fixture(autouse=True)
def registered() -> None:
    if "scan" not in cli.commands:
        pytest.fail("register the 'scan' command in src/overgrant/cli/main.py")


@pytest.fixture
def estate(job: Job) -> str:
    api.save_snapshot(api.sample_inventory(), job.workspace / "estate.json")
    return "estate.json"


def executed(run: ActionRun) -> list[str]:
    return [s.name for s in run.steps if not s.skipped]


def test_first_run_comments_second_run_updates_and_the_gate_decides(job: Job, estate: str) -> None:
    first = job.run(snapshot=estate, install="false", fail_on="high")
    assert first.exit_code == 1, first.log  # the sample has new high findings: gate fails
    assert executed(first) == [
        "Scan",
        "Upload SARIF to code scanning",
        "Comment on the pull request",
        "Job summary",
        "Apply the gate",
    ]
    assert [s.returncode for s in first.steps if s.returncode is not None] == [0, 0, 0, 1]
    assert first.outputs["exit-code"] == "1"

    upload = first.step("Upload SARIF to code scanning")
    assert upload.uses == "github/codeql-action/upload-sarif@v3"
    sarif = json.loads(Path(upload.with_["sarif_file"]).read_text())
    assert sarif["version"] == "2.1.0" and upload.with_["category"] == "overgrant"
    locations = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for loc in result["locations"]
    }
    assert locations == {"estate.json"}

    [comment] = job.github.marked(PR_NUMBER, MARKER)
    assert first.outputs["comment-id"] == str(comment["id"])
    assert "failed" in comment["body"] and "fail-on `high`" in comment["body"]
    summary = job.summary.read_text()
    assert MARKER in summary and "fail-on `high`" in summary
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in job.github.requests)

    # accept everything: the next run passes and edits the same comment
    baseline = job.workspace / "baseline.json"
    _write_baseline(job, estate, baseline)
    second = job.run(snapshot=estate, install="false", fail_on="low", baseline="baseline.json")
    assert second.exit_code == 0, second.log
    assert second.outputs["exit-code"] == "0"
    [updated] = job.github.marked(PR_NUMBER, MARKER)
    assert updated["id"] == comment["id"] and "passed" in updated["body"]
    assert [r.method for r in job.github.writes()] == ["POST", "PATCH"]
    assert job.summary.read_text().count(MARKER) == 2  # each run appends its own summary


def test_no_gate_no_comment_no_upload(job: Job, estate: str) -> None:
    run = job.run(
        snapshot=estate, install="false", fail_on="none", comment="false", upload_sarif="false"
    )
    assert run.exit_code == 0, run.log
    assert executed(run) == ["Scan", "Job summary", "Apply the gate"]
    assert job.github.requests == []
    assert "Gate:** off" in job.summary.read_text()


def test_a_bad_config_stops_the_job_with_exit_2(job: Job, estate: str) -> None:
    (job.workspace / ".overgrant.yml").write_text("suppressions: [{rule: OG101}]\n")
    run = job.run(snapshot=estate, install="false")
    assert run.exit_code == 2
    scan = run.step("Scan")
    assert ".overgrant.yml" in scan.stderr and "/suppressions/0" in scan.stderr
    assert executed(run) == ["Scan"]  # comment, summary and gate are skipped after a failure
    assert job.github.requests == []


def test_the_default_install_step(job: Job, estate: str) -> None:
    """With install (the default) Python is set up by an external action (recorded) and pip
    installs the action's own source; here pip is replaced by a recorder of its arguments."""
    pip_log = job.workspace / "pip.log"
    shim = job.runner_temp / "shim"
    shim.mkdir()
    real_python = Path(job.env["PATH"].split(":")[0]) / "python"
    (shim / "python").write_text(
        "#!/bin/sh\n"
        f'if [ "$1 $2" = "-m pip" ]; then echo "$@" >> {pip_log}; exit 0; fi\n'
        f'exec {real_python} "$@"\n'
    )
    (shim / "python").chmod(0o755)
    job.env["PATH"] = f"{shim}:{job.env['PATH']}"
    run = job.run(snapshot=estate, fail_on="critical")
    assert run.step("Set up Python").uses == "actions/setup-python@v5"
    assert run.step("Set up Python").with_ == {"python-version": "3.11"}
    action_path = str(Path(__file__).resolve().parents[2])
    assert pip_log.read_text().split() == [
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--quiet",
        action_path,
    ]
    assert run.step("AWS credentials (OIDC)").skipped and run.step("Collect from AWS").skipped


def _write_baseline(job: Job, snapshot: str, baseline: Path) -> None:
    result = run_overgrant(
        "scan",
        snapshot,
        "--no-history",
        "--write-baseline",
        str(baseline),
        cwd=job.workspace,
        env=job.env,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def moto_endpoint() -> Iterator[str]:
    """AWS, as moto's server on 127.0.0.1, with one workload role allowed ``*`` on ``*``."""
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    iam = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    ).client("iam", endpoint_url=endpoint)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName="nightly-job", AssumeRolePolicyDocument=json.dumps(trust))
    everything = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    iam.put_role_policy(
        RoleName="nightly-job", PolicyName="everything", PolicyDocument=json.dumps(everything)
    )
    try:
        yield endpoint
    finally:
        server.stop()


def test_live_collection_through_oidc_credentials(job: Job, moto_endpoint: str) -> None:
    """role-to-assume: the credentials step is GitHub's (recorded); the collection then reads
    AWS live (moto here, through AWS_ENDPOINT_URL) and the scan reads what it collected."""
    job.env["AWS_ENDPOINT_URL"] = moto_endpoint
    role = "arn:aws:iam::123456789012:role/overgrant-audit"
    run = job.run(install="false", role_to_assume=role, aws_region="us-east-1", fail_on="critical")
    credentials = run.step("AWS credentials (OIDC)")
    assert credentials.uses == "aws-actions/configure-aws-credentials@v4"
    assert credentials.with_ == {"role-to-assume": role, "aws-region": "us-east-1"}
    collect = run.step("Collect from AWS")
    assert collect.returncode == 0, run.log
    snapshot = Path(collect.outputs["snapshot"])
    assert snapshot.is_file() and snapshot.parent == job.runner_temp / "overgrant"
    assert f"scan {snapshot}" in run.step("Scan").stdout
    assert run.exit_code == 1, run.log  # nightly-job holds admin: a new critical finding
    report = json.loads(Path(run.outputs["json-file"]).read_text())
    assert "nightly-job" in json.dumps(report)
