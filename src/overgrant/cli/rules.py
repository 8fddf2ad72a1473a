"""``overgrant rules``: list the rules, show one, and write their documentation page."""

from __future__ import annotations

import json
from pathlib import Path

import click

from overgrant.config import Config, find_config, load_config
from overgrant.errors import ExitCode, InputError
from overgrant.fileio import write_atomic
from overgrant.model import JsonValue
from overgrant.policies.docs import render_rules_markdown
from overgrant.policies.loader import load_builtin_rules, load_rules, reasons
from overgrant.policies.rule import Rule

DEFAULT_DOCS = Path("docs") / "rules.md"


def _config(path: Path | None) -> Config | None:
    """The configuration given, else ``.overgrant.yml`` in the current directory, if any."""
    found = path if path is not None else find_config(Path.cwd())
    return load_config(found) if found is not None else None


def _rule_json(rule: Rule) -> dict[str, JsonValue]:
    return {
        "id": rule.id,
        "name": rule.name,
        "title": rule.title,
        "severity": rule.severity.value,
        "clouds": [c.value for c in rule.clouds],
        "status": rule.status.value,
        "kind": rule.kind,
        "params": dict(rule.params),
        "description": rule.description,
        "rationale": reasons(rule),
        "limitations": rule.limitations,
        "remediation": rule.remediation,
        "references": list(rule.references),
        "since": rule.since,
        "source": rule.source,
    }


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Repository configuration (default: .overgrant.yml here, if present) for extra packs.",
)


@click.group()
def rules() -> None:
    """List the rules, show one, or write the rules documentation."""


@rules.command("list")
@config_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def list_rules(config_path: Path | None, fmt: str) -> None:
    """Every rule (built-in and the configuration's packs): id, name, severity, kind, status
    and title."""
    loaded = load_rules(_config(config_path))
    if fmt == "json":
        click.echo(json.dumps([_rule_json(r) for r in loaded], indent=2))
        return
    width = max((len(r.name) for r in loaded), default=4)
    kind_width = max((len(r.kind) for r in loaded), default=4)
    click.echo(f"{'id':<7} {'name':<{width}}  {'severity':<8}  {'kind':<{kind_width}}  status")
    for r in loaded:
        click.echo(
            f"{r.id:<7} {r.name:<{width}}  {r.severity.value:<8}  {r.kind:<{kind_width}}  "
            f"{r.status.value:<10} {r.title}"
        )


@rules.command()
@click.argument("rule_id")
@config_option
def show(rule_id: str, config_path: Path | None) -> None:
    """One rule in full: what it does, why, what it cannot see, how to fix, parameters."""
    loaded = {r.id: r for r in load_rules(_config(config_path))}
    rule = loaded.get(rule_id.upper())
    if rule is None:
        raise InputError(f"no rule {rule_id!r} (see 'overgrant rules list')")
    lines = [
        f"{rule.id} {rule.name} — {rule.title}",
        f"severity {rule.severity.value} · clouds {', '.join(c.value for c in rule.clouds)}"
        f" · kind {rule.kind} · status {rule.status.value} · since {rule.since}",
        f"source: {rule.source}",
    ]
    sections = (
        ("What it does", rule.description),
        ("Why is this bad?", reasons(rule)),
        ("What it cannot see", rule.limitations),
        ("Remediation", rule.remediation),
        ("Parameters", json.dumps(dict(rule.params), indent=2)),
        ("References", "\n".join(rule.references) or "none"),
    )
    for heading, body in sections:
        lines += ["", heading, body]
    click.echo("\n".join(lines))


@rules.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DOCS,
    show_default=True,
    help="The page to write (or to compare with --check).",
)
@click.option(
    "--check", is_flag=True, help="Only check that the page is up to date (exit 1 if not)."
)
@click.pass_context
def docs(ctx: click.Context, output: Path, check: bool) -> None:
    """Write the built-in rules' documentation page, generated from the rule files."""
    page = render_rules_markdown(load_builtin_rules())
    if check:
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current != page:
            click.echo(f"{output} is stale: run 'overgrant rules docs -o {output}'", err=True)
            ctx.exit(ExitCode.GATE_FAILED)
        click.echo(f"{output} is up to date")
        return
    write_atomic(output, page.encode("utf-8"))
    click.echo(f"wrote {output}")
