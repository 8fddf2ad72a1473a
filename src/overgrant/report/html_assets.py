"""The HTML report's inline style sheet and script, and the Content-Security-Policy that admits
exactly these two and nothing else.

The report is one file that must open anywhere (a CI artifact, an e-mail attachment) without
fetching anything, and it shows names an attacker may have chosen. So the policy is
``default-src 'none'``: no network at all, no inline event handlers, no ``style`` attributes; the
one ``<style>`` and the one ``<script>`` are allowed by their SHA-256 hashes (a hash, unlike a
nonce, keeps the output deterministic). The script reads its data from a JSON block that is
never executed.
"""

from __future__ import annotations

import base64
import hashlib

CSS = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --card: #fff;
  --critical: #b42318; --high: #d9480f; --medium: #b08800; --low: #1f6feb; --info: #6e7781;
  --ok: #1a7f37; --warn: #9a6700; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
  color: var(--fg); background: var(--bg); }
header.top { background: #24292f; color: #fff; padding: 16px 32px; }
header.top h1 { margin: 0 0 4px; font-size: 22px; }
header.top .meta { color: #c9d1d9; font-size: 13px; }
nav.sections { background: #fff; border-bottom: 1px solid var(--line); padding: 8px 32px;
  position: sticky; top: 0; z-index: 2; }
nav.sections a { margin-right: 18px; color: var(--accent); text-decoration: none; }
main { padding: 16px 32px 48px; max-width: 1400px; }
section { margin-top: 24px; }
h2 { font-size: 18px; margin: 0 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h3 { font-size: 16px; margin: 0 0 6px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 10px 16px; min-width: 118px; border-top: 4px solid var(--line); }
.card .n { font-size: 26px; font-weight: 700; }
.card .l { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card.sev-critical { border-top-color: var(--critical); }
.card.sev-high { border-top-color: var(--high); }
.card.sev-medium { border-top-color: var(--medium); }
.card.sev-low { border-top-color: var(--low); }
.card.sev-info { border-top-color: var(--info); }
.card.ok { border-top-color: var(--ok); }
.card.warn { border-top-color: var(--warn); background: #fff8c5; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
  font-weight: 600; color: #fff; white-space: nowrap; }
.badge.sev-critical { background: var(--critical); }
.badge.sev-high { background: var(--high); }
.badge.sev-medium { background: var(--medium); }
.badge.sev-low { background: var(--low); }
.badge.sev-info { background: var(--info); }
.badge.new { background: #8250df; }
.badge.cloud { background: #eaeef2; color: var(--fg); font-weight: 500; }
.notice { border: 1px solid #d4a72c; background: #fff8c5; border-radius: 8px; padding: 10px 16px;
  margin-top: 12px; }
.notice.gaps { border-color: var(--warn); }
.notice ul { margin: 6px 0 0; padding-left: 20px; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; vertical-align: top; padding: 6px 10px;
  border-bottom: 1px solid var(--line); }
th { background: #f0f3f6; font-weight: 600; position: sticky; top: 37px; }
td.msg { max-width: 520px; }
.mono, code { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 12px;
  overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 10px; }
.filters label { font-size: 12px; color: var(--muted); }
.filters select, .filters input { font: inherit; padding: 4px 6px; border: 1px solid var(--line);
  border-radius: 6px; background: #fff; }
.filters input { min-width: 260px; }
a { color: var(--accent); }
.identity { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 14px 18px; margin-bottom: 16px; }
.identity:target, .finding:target { outline: 3px solid var(--accent); }
.finding { border-left: 4px solid var(--line); padding: 6px 12px; margin: 12px 0; }
.finding.sev-critical { border-left-color: var(--critical); }
.finding.sev-high { border-left-color: var(--high); }
.finding.sev-medium { border-left-color: var(--medium); }
.finding.sev-low { border-left-color: var(--low); }
.finding.sev-info { border-left-color: var(--info); }
.finding table { margin: 6px 0; }
table.facts th { width: 28%; }
.finding ol { margin: 4px 0; padding-left: 22px; }
details summary { cursor: pointer; color: var(--muted); }
.graph { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px;
  margin: 8px 0; padding: 4px; }
.graph svg { display: block; }
.graph .node rect { fill: #fff; stroke: #8c959f; stroke-width: 1.5; }
.graph .node.start rect { fill: #ddf4ff; stroke: var(--accent); }
.graph .node.admin rect { fill: #ffebe9; stroke: var(--critical); stroke-width: 2; }
.graph .node.external rect { fill: #fff8c5; stroke: var(--warn); }
.graph .node .label { font: 600 12px system-ui, "DejaVu Sans", sans-serif; fill: var(--fg); }
.graph .node .sub { font: 10px "DejaVu Sans Mono", monospace; fill: var(--muted); }
.graph .edge { fill: none; stroke: #57606a; stroke-width: 1.6; }
.graph .edge.conditional { stroke-dasharray: 6 4; stroke: var(--warn); }
.graph .edge-label { font: 11px system-ui, "DejaVu Sans", sans-serif; fill: #24292f;
  paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; }
.graph .arrow { fill: #57606a; }
.legend { font-size: 12px; color: var(--muted); margin: 4px 0 0; }
footer { color: var(--muted); font-size: 12px; padding: 16px 32px; }
"""

SCRIPT = """
(function () {
  "use strict";
  var dataNode = document.getElementById("og-data");
  var data = JSON.parse(dataNode.textContent);
  var byFingerprint = {};
  data.findings.forEach(function (f) { byFingerprint[f.fingerprint] = f; });
  var rows = Array.prototype.slice.call(
    document.querySelectorAll("#og-findings tbody tr[data-fp]"));
  var controls = {
    severity: document.getElementById("og-f-severity"),
    rule: document.getElementById("og-f-rule"),
    cloud: document.getElementById("og-f-cloud"),
    q: document.getElementById("og-f-text")
  };
  var shown = document.getElementById("og-shown");

  function matches(f) {
    var q = controls.q.value.trim().toLowerCase();
    return (!controls.severity.value || f.severity === controls.severity.value) &&
      (!controls.rule.value || f.rule === controls.rule.value) &&
      (!controls.cloud.value || f.cloud === controls.cloud.value) &&
      (!q || f.text.indexOf(q) !== -1);
  }

  function apply() {
    var count = 0;
    rows.forEach(function (row) {
      var f = byFingerprint[row.getAttribute("data-fp")];
      var visible = Boolean(f) && matches(f);
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = String(count);
    document.body.setAttribute("data-og-shown", String(count));
  }

  var params = new URLSearchParams(window.location.search);
  Object.keys(controls).forEach(function (name) {
    var value = params.get(name);
    var control = controls[name];
    if (value === null) { return; }
    if (control.tagName === "SELECT") {
      var known = Array.prototype.some.call(control.options, function (o) {
        return o.value === value;
      });
      if (known) { control.value = value; }
    } else {
      control.value = value;
    }
  });
  controls.severity.addEventListener("change", apply);
  controls.rule.addEventListener("change", apply);
  controls.cloud.addEventListener("change", apply);
  controls.q.addEventListener("input", apply);
  apply();
  document.body.setAttribute("data-og-ready", "1");
})();
"""


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy() -> str:
    """No network, no plugins, no inline code but the report's own style and script."""
    return "; ".join(
        (
            "default-src 'none'",
            f"style-src {_sha256(CSS)}",
            f"script-src {_sha256(SCRIPT)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
            "object-src 'none'",
        )
    )
