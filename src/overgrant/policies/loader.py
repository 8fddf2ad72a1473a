"""Loading rule packs: YAML files checked against ``schemas/rule.schema.json``, one rule each.

A pack is a directory of ``<id>-<name>.yaml`` files (the built-in one is
``overgrant/policies/rules/``) or a single such file. The loader refuses, with a
:class:`~overgrant.errors.ConfigError` naming the file and the JSON pointer of the field:

* a file that is not YAML, or does not match the schema (parameters are checked against the
  schema of the rule's kind, so the error points at the one wrong parameter);
* a kind missing from :data:`~overgrant.policies.kinds.KINDS`;
* a file name other than ``<id>-<name>.yaml``;
* an id already defined by another file, in this pack or another one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from overgrant.config import Config, check_document, parse_yaml, read_text
from overgrant.errors import ConfigError
from overgrant.findings import Severity
from overgrant.model import Cloud
from overgrant.policies.kinds import KINDS
from overgrant.policies.rule import Rule, RuleStatus

RULE_SUFFIXES = (".yaml", ".yml")
BUILTIN_PACK = "policies/rules"
"""Where the built-in pack lives, relative to the ``overgrant`` package (``Rule.source``)."""

LIMITATIONS_HEADING = "What it cannot see:"
"""How :attr:`Rule.rationale` introduces the rule's limitations after the reasons."""


def parse_rule(text: str, source: str, file_name: str) -> Rule:
    """Parse and check one rule file's text.

    Args:
        text: the YAML text.
        source: how to name the file in messages and in :attr:`Rule.source`.
        file_name: the file's base name, which must be ``<id>-<name>.yaml``.
    """
    data = parse_yaml(text, source)
    check_document(data, "rule", source, what="rule")
    if data["kind"] not in KINDS:  # the schema lists the same kinds; a test keeps them in step
        raise ConfigError(f"{source}: invalid rule at /kind: unknown rule kind {data['kind']!r}")
    stem, _, suffix = file_name.rpartition(".")
    expected = f"{data['id']}-{data['name']}"
    if stem != expected or f".{suffix}" not in RULE_SUFFIXES:
        raise ConfigError(
            f"{source}: invalid rule at /id: a rule with id {data['id']!r} and name "
            f"{data['name']!r} must be in a file named {expected}.yaml"
        )
    return _rule(data, source)


def _clean(value: str) -> str:
    return value.strip()


def _rule(data: Mapping[str, Any], source: str) -> Rule:
    why, limits = _clean(data["rationale"]), _clean(data["limitations"])
    return Rule(
        id=data["id"],
        name=data["name"],
        title=_clean(data["title"]),
        severity=Severity(data["severity"]),
        clouds=tuple(Cloud(c) for c in data["clouds"]),
        status=RuleStatus(data["status"]),
        kind=data["kind"],
        params=dict(data["params"]),
        rationale=f"{why}\n\n{LIMITATIONS_HEADING} {limits}",
        description=_clean(data["description"]),
        limitations=limits,
        remediation=_clean(data["remediation"]),
        references=tuple(data["references"]),
        since=data["since"],
        source=source,
    )


def reasons(rule: Rule) -> str:
    """The "why" part of a rule's rationale, without its limitations."""
    return rule.rationale.removesuffix(f"\n\n{LIMITATIONS_HEADING} {rule.limitations}")


def load_rule_file(path: Path) -> Rule:
    """Load one rule file."""
    path = Path(path)
    return parse_rule(read_text(path), str(path), path.name)


def load_pack(path: Path) -> tuple[Rule, ...]:
    """Load a pack: every rule file of a directory (in name order; hidden files such as a
    ``.overgrant.yml`` kept beside them are not rules), or one rule file."""
    path = Path(path)
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.suffix in RULE_SUFFIXES and p.is_file() and not p.name.startswith(".")
        )
        return tuple(load_rule_file(p) for p in files)
    if path.is_file():
        return (load_rule_file(path),)
    raise ConfigError(f"{path}: rule pack not found (no such file or directory)")


def load_builtin_rules() -> tuple[Rule, ...]:
    """The built-in rule pack shipped in the package."""
    folder = resources.files("overgrant.policies").joinpath("rules")
    entries = (
        sorted(
            (e for e in folder.iterdir() if e.name.endswith(RULE_SUFFIXES)), key=lambda e: e.name
        )
        if folder.is_dir()
        else []
    )
    if not entries:  # a packaging mistake must not look like a clean estate
        raise ConfigError(
            f"{BUILTIN_PACK}: the built-in rule pack is missing from the installed package"
        )
    return tuple(
        parse_rule(e.read_text(encoding="utf-8"), f"{BUILTIN_PACK}/{e.name}", e.name)
        for e in entries
    )


def check_unique(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    """The rules, sorted by id; raises :class:`ConfigError` when two files share an id."""
    seen: dict[str, Rule] = {}
    for rule in rules:
        other = seen.get(rule.id)
        if other is not None:
            raise ConfigError(
                f"{rule.source}: invalid rule at /id: {rule.id} is already defined in "
                f"{other.source}"
            )
        seen[rule.id] = rule
    return tuple(sorted(seen.values(), key=lambda r: r.id))


def load_rules(config: Config | None = None, *, packs: Sequence[Path] = ()) -> tuple[Rule, ...]:
    """The built-in pack plus the configuration's packs and ``packs``, sorted by id.

    Disabled rules are still loaded (and so still checked): selection drops them.
    """
    loaded: list[Rule] = list(load_builtin_rules())
    if config is not None:
        for index, pack in enumerate(config.rule_packs):
            if not pack.exists():
                raise ConfigError(
                    f"{config.source}: invalid configuration at /rule_packs/{index}: "
                    f"{pack} does not exist"
                )
            loaded.extend(load_pack(pack))
    for pack in packs:
        loaded.extend(load_pack(pack))
    return check_unique(loaded)
