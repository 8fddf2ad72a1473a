"""The Action's collect step (live AWS): read IAM with the OIDC role's credentials.

The credentials come from the ``aws-actions/configure-aws-credentials`` step before it; this
step runs ``overgrant collect aws`` into ``$RUNNER_TEMP/overgrant/snapshot.json`` and hands the
path to the scan step as the output ``snapshot``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from overgrant_action import env, fail, set_output


def main() -> None:
    out_dir = Path(env("RUNNER_TEMP") or tempfile.mkdtemp()) / "overgrant"
    out_dir.mkdir(parents=True, exist_ok=True)
    snapshot = out_dir / "snapshot.json"
    command = [sys.executable, "-m", "overgrant", "collect", "aws", "-o", str(snapshot)]
    for region in env("OVERGRANT_REGIONS", "us-east-1").replace(",", " ").split():
        command += ["--region", region]
    if env("OVERGRANT_ORGANIZATION", "false").lower() == "true":
        command.append("--organization")
    print("+ " + " ".join(command[1:]), flush=True)
    code = subprocess.run(command, check=False).returncode
    if code != 0:
        fail(f"overgrant collect exited with code {code}; see its message above", code)
    set_output("snapshot", str(snapshot))


if __name__ == "__main__":
    main()
