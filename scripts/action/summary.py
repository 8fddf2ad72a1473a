"""The Action's summary step: the Markdown report and the gate's verdict as the job summary.

Appends to ``$GITHUB_STEP_SUMMARY`` (GitHub renders it on the run's page and refuses more than
1 MiB from one step, so a longer report is cut with a note).
"""

from __future__ import annotations

from pathlib import Path

from overgrant_action import SUMMARY_LIMIT, env, report_body


def main() -> None:
    target = env("GITHUB_STEP_SUMMARY")
    if not target:
        print("overgrant: no GITHUB_STEP_SUMMARY; not running on GitHub Actions")
        return
    body = report_body()
    data = body.encode("utf-8")
    if len(data) > SUMMARY_LIMIT:
        note = "\n\n_The report was cut to fit the job summary; see the JSON or SARIF._\n"
        body = data[: SUMMARY_LIMIT - 200].decode("utf-8", "ignore") + note
    with Path(target).open("a", encoding="utf-8") as handle:
        handle.write(body)
    print(f"overgrant: wrote the job summary ({len(body)} characters)")


if __name__ == "__main__":
    main()
