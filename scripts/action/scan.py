"""The Action's scan step: run ``overgrant scan`` and hand its reports to the later steps.

Reads the step's inputs from ``OVERGRANT_*`` variables (set from the Action's inputs, never
spliced into the script: inputs may hold anything), writes SARIF, Markdown and JSON under
``$RUNNER_TEMP/overgrant``, and records the scan's exit code as the step output ``exit-code``.
A gate failure (1) does not fail this step: the comment and summary steps still run and the
Action's last step applies the gate. Any other failure (2: bad input or config) ends it here.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from overgrant_action import SEVERITIES, env, fail, notice, set_output

REPORTS = {"sarif": "overgrant.sarif", "markdown": "overgrant.md", "json": "overgrant.json"}


def scan_command(out_dir: Path) -> list[str]:
    """The ``overgrant scan`` command line for this step's inputs."""
    snapshot = env("OVERGRANT_COLLECTED") or env("OVERGRANT_SNAPSHOT")
    if not snapshot:
        fail("overgrant: give the 'snapshot' input, or 'role-to-assume' to collect from AWS")
    command = [sys.executable, "-m", "overgrant", "scan", snapshot, "--no-history"]
    for fmt, name in REPORTS.items():
        command += [f"--{fmt}", str(out_dir / name)]
    fail_on = env("OVERGRANT_FAIL_ON", "high").lower()
    if fail_on not in (*SEVERITIES, "none"):
        fail(f"overgrant: fail-on must be one of {', '.join(SEVERITIES)} or none, not {fail_on!r}")
    if fail_on != "none":
        command += ["--fail-on", fail_on]
    if env("OVERGRANT_CONFIG"):
        command += ["--config", env("OVERGRANT_CONFIG")]
    if env("OVERGRANT_BASELINE"):
        command += ["--baseline", env("OVERGRANT_BASELINE")]
    if env("OVERGRANT_ARTIFACT_URI"):
        command += ["--artifact-uri", env("OVERGRANT_ARTIFACT_URI")]
    return command


def main() -> None:
    out_dir = Path(env("RUNNER_TEMP") or tempfile.mkdtemp()) / "overgrant"
    out_dir.mkdir(parents=True, exist_ok=True)
    command = scan_command(out_dir)
    print("+ " + " ".join(command[1:]), flush=True)
    code = subprocess.run(command, check=False).returncode
    set_output("exit-code", str(code))
    for fmt, name in REPORTS.items():
        path = out_dir / name
        set_output(f"{fmt}-file", str(path) if path.is_file() else "")
    if code not in (0, 1):
        fail(f"overgrant scan exited with code {code}; see its message above", code)
    if code == 1:
        notice("warning", "overgrant: new findings fail the gate; it is applied in the last step")


if __name__ == "__main__":
    main()
