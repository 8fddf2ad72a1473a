"""The HTML report as a document: self-contained, strict CSP, escaped, complete.

What it looks like and whether its script runs is checked in a real browser
(test_html_browser.py); here the markup itself is inspected.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import time

from overgrant.findings import PathHop, Severity
from overgrant.model import JsonValue
from overgrant.report.html import scan_to_html, script_json
from overgrant.report.html_graph import MAX_NODES, paths_svg
from tests.report.dom import Dom, parse
from tests.report.scans import (
    DEPLOY,
    HOSTILE_NAME,
    HOSTILE_NODE,
    SCRIPT_BREAKER,
    finding,
    scan_diff,
    scan_result,
)


def page() -> tuple[str, Dom]:
    result = scan_result()
    text = scan_to_html(result, diff=scan_diff(result))
    return text, parse(text)


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_csp_admits_exactly_the_inline_style_and_script() -> None:
    _, dom = page()
    (meta,) = dom.find_all("meta", http_equiv="Content-Security-Policy")
    directives = dict(d.strip().split(" ", 1) for d in meta.attrs["content"].split(";"))
    assert directives["default-src"] == "'none'"
    (style,) = dom.find_all("style")
    scripts = dom.find_all("script")
    code = [s for s in scripts if "type" not in s.attrs]
    assert len(code) == 1
    assert directives["style-src"] == sha256(style.text)
    assert directives["script-src"] == sha256(code[0].text)
    assert "unsafe" not in meta.attrs["content"]


def test_loads_nothing_from_anywhere() -> None:
    text, dom = page()
    for element in dom.elements:
        for name in ("src", "href", "action", "xlink:href", "srcset", "data"):
            value = element.attrs.get(name)
            if value is not None:
                assert value.startswith("#") or value == "data:,", (element.tag, name, value)
    (style,) = dom.find_all("style")
    assert "@import" not in style.text
    assert "url(" not in style.text
    assert '<link rel="stylesheet"' not in text


def test_hostile_strings_are_text_never_markup() -> None:
    text, dom = page()
    assert not dom.find_all("img")
    assert [e.attrs.get("id") for e in dom.find_all("svg")] == [
        "og-overview",
        "identity-1-graph",
        "identity-2-graph",
        "identity-3-graph",
    ]
    assert not [e for e in dom.elements if any(k.startswith("on") for k in e.attrs)]
    assert HOSTILE_NAME in dom.text
    assert HOSTILE_NODE in dom.text
    assert SCRIPT_BREAKER.replace("\u2028", "") in dom.text.replace("\u2028", "")
    assert "<img src=x" not in text
    assert text.count("<script") == 2


def test_embedded_json_cannot_end_its_script_element() -> None:
    value: JsonValue = {"name": SCRIPT_BREAKER + "\u2029<!--"}
    encoded = script_json(value)
    for forbidden in ("<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in encoded
    assert json.loads(encoded) == value
    _, dom = page()
    (data,) = dom.find_all("script", type="application/json")
    findings = json.loads(data.text)["findings"]
    assert len(findings) == 8
    assert {"fingerprint", "severity", "rule", "cloud", "text"} == set(findings[0])


def test_sections_filters_and_identity_pages() -> None:
    _, dom = page()
    for section in ("summary", "findings", "paths", "identities", "fixed", "suppressed"):
        dom.by_id(section)
    assert "Coverage gaps: NOT checked" in dom.by_id("coverage").text
    rules = [o.attrs["value"] for o in dom.by_id("og-f-rule").children if o.attrs["value"]]
    assert rules == sorted({"OG101", "OG104", "OG150", "OG201", "OG202", "OG303", "OG401", "OG420"})
    rows = dom.by_id("og-findings").children[1].children
    assert len(rows) == 8
    assert rows[0].attrs["data-fp"]
    pages = dom.find_all("article")
    assert len(pages) == 6
    deploy = dom.by_id("identity-1")
    assert DEPLOY in deploy.text
    assert "iam:PassRole on arn:aws:iam::111111111111:role/lambda-admin" in deploy.text
    assert "Granted by" in deploy.text
    assert "admin:aws/account/111111111111" in deploy.text
    assert "NEW" in deploy.text


def test_complete_scan_without_findings_renders() -> None:
    text = scan_to_html(scan_result(findings=(), gaps=False, warnings=False))
    dom = parse(text)
    assert "No findings." in dom.by_id("og-findings").text
    assert "Complete" in dom.by_id("coverage").text
    assert not dom.find_all("svg")


def test_deterministic() -> None:
    result = scan_result()
    assert scan_to_html(result) == scan_to_html(result)


def test_graph_caps_nodes_and_says_how_many_paths_were_left_out() -> None:
    paths = [
        (
            PathHop(
                source=f"identity:{DEPLOY}",
                target=f"identity:arn:aws:iam::111111111111:role/step-{i}",
                method="sts:AssumeRole",
                outcome="allowed",
            ),
            PathHop(
                source=f"identity:arn:aws:iam::111111111111:role/step-{i}",
                target="admin:aws/account/111111111111",
                method="holds-admin",
                outcome="allowed",
            ),
        )
        for i in range(100)
    ]
    svg, left_out = paths_svg(paths, graph_id="g")
    assert svg.count('<g class="node') == MAX_NODES
    assert left_out == 100 - (MAX_NODES - 2)


def test_large_scan_renders_quickly() -> None:
    base = finding("OG104", Severity.MEDIUM, DEPLOY, "x")
    findings = tuple(
        dataclasses.replace(
            base,
            identity=f"arn:aws:iam::111111111111:role/r{i}",  # type: ignore[arg-type]
            fingerprint=f"{i:032x}",
        )
        for i in range(3000)
    )
    started = time.perf_counter()
    text = scan_to_html(dataclasses.replace(scan_result(), findings=findings))
    assert time.perf_counter() - started < 5
    assert text.count("<article") == 3000


def hop(source: str, target: str, method: str = "sts:AssumeRole") -> PathHop:
    return PathHop(source=source, target=target, method=method, outcome="allowed")


def node_columns(svg: str) -> dict[str, int]:
    """Node label -> x of its box, read back from the SVG."""
    dom = parse(svg)
    return {
        g.children[0].text.split("\n")[0]: int(g.attrs["transform"].split("(")[1].split(",")[0])
        for g in dom.find_all("g")
    }


def test_graph_layers_every_edge_rightwards_with_admin_last() -> None:
    a, b, c = (f"identity:arn:aws:iam::1:role/{n}" for n in "abc")
    admin = "admin:aws/account/1"
    svg, left_out = paths_svg(
        [(hop(a, admin, "holds-admin"),), (hop(a, b), hop(b, c), hop(c, admin, "holds-admin"))],
        graph_id="g",
    )
    assert left_out == 0
    x = node_columns(svg)
    assert x["a"] < x["b"] < x["c"] < x["admin of aws account"]


def test_graph_survives_a_cycle() -> None:
    a, b = "identity:arn:aws:iam::1:role/a", "identity:arn:aws:iam::1:role/b"
    svg, _ = paths_svg(
        [(hop(a, b),), (hop(b, a), hop(a, "admin:aws/account/1", "holds-admin"))], graph_id="g"
    )
    assert svg.count('<g class="node') == 3
    assert svg.count('<path class="edge') == 3
