"""The HTML report opened in headless Chromium: the rendered DOM, the console, a screenshot.

The page is written to a temporary file and opened as ``file://``; Chromium runs with every
background service off. The screenshot is kept in tests/report/artifacts/ (git-ignored) for a
person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from overgrant.report.html import scan_to_html
from tests.report.chromium import ARTIFACTS, dump_dom, png_size, screenshot
from tests.report.dom import Dom, parse
from tests.report.scans import HOSTILE_NAME, HOSTILE_NODE, scan_diff, scan_result

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = scan_result()
    path = tmp_path_factory.mktemp("report") / "overgrant-report.html"
    path.write_text(scan_to_html(result, diff=scan_diff(result)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def default_dom(report: Path, tmp_path_factory: pytest.TempPathFactory) -> Dom:
    return rendered(report, tmp_path_factory.mktemp("profile"))


def rendered(report: Path, profile: Path, query: str = "") -> Dom:
    run = dump_dom(report, profile, query)
    assert run.console == (), "the page logged to the console:\n" + "\n".join(run.console)
    return parse(run.stdout)


def visible_rows(dom: Dom) -> list[str]:
    rows = dom.by_id("og-findings").children[1].children
    return [row.attrs["data-fp"] for row in rows if "hidden" not in row.attrs]


def test_page_runs_its_script_without_console_errors(default_dom: Dom) -> None:
    dom = default_dom
    (body,) = dom.find_all("body")
    assert body.attrs["data-og-ready"] == "1"
    assert body.attrs["data-og-shown"] == "8"
    assert dom.by_id("og-shown").text == "8"
    assert len(visible_rows(dom)) == 8


def test_hostile_names_render_as_text(default_dom: Dom) -> None:
    dom = default_dom
    assert not dom.find_all("img")
    assert not [e for e in dom.elements if any(k.startswith("on") for k in e.attrs)]
    assert {e.attrs.get("id") for e in dom.find_all("svg")} == {
        "og-overview",
        "identity-1-graph",
        "identity-2-graph",
        "identity-3-graph",
    }
    page = dom.by_id("identity-2")
    assert HOSTILE_NAME in page.text
    assert HOSTILE_NODE in page.text


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?severity=high", 3),
        ("?severity=critical&rule=OG201", 1),
        ("?cloud=aws&q=BACKUP-bot&severity=bogus", 2),
        ("?q=nothing-matches-this", 0),
    ],
)
def test_filters_preset_from_the_query_string(
    report: Path, tmp_path: Path, query: str, shown: int
) -> None:
    dom = rendered(report, tmp_path, query)
    (body,) = dom.find_all("body")
    assert body.attrs["data-og-shown"] == str(shown)
    assert len(visible_rows(dom)) == shown


def test_console_check_catches_a_blocked_script(tmp_path: Path) -> None:
    """The console check above is not vacuous: a script the CSP refuses is reported."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; script-src 'sha256-AAAA'\"></head>"
        "<body><script>document.body.dataset.ran = '1'</script></body></html>",
        encoding="utf-8",
    )
    run = dump_dom(page, tmp_path / "profile")
    assert any("Content Security Policy" in line for line in run.console), run.console
    assert "data-ran" not in run.stdout


def test_screenshot_for_people(report: Path, tmp_path: Path) -> None:
    target = ARTIFACTS / "html-report.png"
    run = screenshot(report, tmp_path, target, width=1280, height=2000)
    assert run.console == ()
    assert png_size(target) == (1280, 2000)
    assert target.stat().st_size > 50_000, "a blank page compresses to a few kilobytes"
    print(f"screenshot: {target}")
