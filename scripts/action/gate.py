"""The Action's last step: end the job with the scan's gate code.

0 passes. 1 fails the job: a new finding at or above ``fail-on`` (reports, SARIF, comment and
summary are already out). Anything else means the scan itself did not finish.
"""

from __future__ import annotations

import sys

from overgrant_action import env, gate_line, notice


def main() -> None:
    raw = env("OVERGRANT_EXIT_CODE", "2")
    code = int(raw) if raw.isdigit() else 2
    verdict = gate_line(str(code), env("OVERGRANT_FAIL_ON")).replace("**", "")
    if code == 0:
        print(f"overgrant: {verdict}")
    else:
        notice("error", f"overgrant: {verdict}")
    sys.exit(code)


if __name__ == "__main__":
    main()
