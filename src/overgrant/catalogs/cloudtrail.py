"""Which IAM permissions a CloudTrail event shows, and which permissions CloudTrail cannot show.

The facts live in ``catalogs/data/aws_cloudtrail.yaml`` (with their AWS documentation sources);
:func:`load_cloudtrail_mapping` reads them into a :class:`CloudTrailMapping`, explicitly (nothing
is loaded at import time). The mapping answers two questions:

* :meth:`CloudTrailMapping.actions_for`: an event (one element of a log file's ``Records``)
  needed which ``(action, resource)`` pairs? The default is ``<prefix>:<eventName>``; the data
  file lists renamed events, calls that need several permissions (``iam:PassRole`` when a role
  is handed to a service) and how to build resource ARNs from ``requestParameters``.
* :meth:`CloudTrailMapping.is_observable`: could a source covering an
  :class:`~overgrant.usage.EvidenceWindow` have shown a use of this action at all? Not when the
  action is a data event the source did not record, a permission no event ever names, or a
  global service's action and the source lacks us-east-1. Remediation never removes a
  permission whose use could not have been seen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from overgrant.catalogs.aws import AwsCatalog, load_aws_catalog
from overgrant.config import parse_yaml, read_text
from overgrant.errors import ConfigError
from overgrant.model import JsonValue
from overgrant.usage import EvidenceWindow

__all__ = [
    "CLOUDTRAIL_SOURCES",
    "CloudTrailMapping",
    "Extra",
    "load_cloudtrail_mapping",
]

_DATA_FILE = "aws_cloudtrail.yaml"
CLOUDTRAIL_SOURCES = frozenset({"cloudtrail-files", "cloudtrail-lookup"})
"""Evidence sources the mapping speaks for; any other source shows nothing it can vouch for."""

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_.-]+)(?:\|(role|last))?\}")
_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9*?]+$")
_BUILTINS = frozenset({"partition", "region", "account"})

ActionResource = tuple[str, str]
"""An IAM action and the resource ARN it was used on (``*`` when the event does not say)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Extra:
    """A permission a call needs besides its own, when the request carries ``when``."""

    event: str
    """``<prefix>:<eventName>`` lower-cased."""
    when: tuple[str, ...]
    """Path of keys in ``requestParameters`` that must be present and not empty."""
    actions: tuple[str, ...]
    resource: str
    """A resource template, or ``*``."""


@dataclass(frozen=True, slots=True)
class _Request:
    """What templates may read from one event."""

    partition: str
    region: str
    account: str
    params: Mapping[str, JsonValue]


class CloudTrailMapping:
    """The event-to-permission rules and CloudTrail's blind spots, with caches for speed.

    Build it with :func:`load_cloudtrail_mapping`. One instance serves a whole run; it caches
    the blind-spot answers per window shape (source, regions, data-event services) and per
    action, so asking :meth:`is_observable` for every granted action of every identity costs a
    dictionary lookup after the first time.

    The AWS catalog says which resource types each action acts on: a call's resource ARN is
    built only from the templates of those types (``iam:AttachRolePolicy`` gets the role the
    event names, not the policy), and ``*`` when the action takes no specific resource.
    """

    def __init__(self, data: Mapping[str, Any], *, source: str, catalog: AwsCatalog) -> None:
        """Check and index the parsed data file.

        Raises:
            ConfigError: a field is missing or of the wrong shape (the message names it).
        """
        self.source = source
        self._sources = {k.lower(): v for k, v in _str_map(data, "event_sources", source).items()}
        self._suffixes = {
            k.lower(): re.compile(f"(?:{v})$")
            for k, v in _str_map(data, "name_suffixes", source).items()
        }
        self._renamed = {
            k.lower(): tuple(_actions(v, f"renamed/{k}", source))
            for k, v in _map(data, "renamed", source).items()
        }
        self._extras: dict[str, list[Extra]] = {}
        for i, entry in enumerate(_list(data, "extra", source)):
            extra = _extra(entry, f"extra/{i}", source)
            self._extras.setdefault(extra.event, []).append(extra)
        self._catalog = catalog
        self._templates: dict[tuple[str, str], tuple[str, ...]] = {}
        for prefix, types in _map(data, "resources", source).items():
            if not isinstance(types, dict):
                raise _fail(source, f"resources/{prefix}", "must map resource types to templates")
            for kind, templates in types.items():
                where = f"resources/{prefix}/{kind}"
                self._templates[(prefix.lower(), str(kind))] = tuple(
                    _templates(templates, where, source)
                )
        self._types: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {}
        self._data_events = {
            k.lower(): tuple(_actions(v, f"data_events/{k}", source))
            for k, v in _map(data, "data_events", source).items()
        }
        self._data_services = {
            k.lower(): v.lower() for k, v in _str_map(data, "data_event_services", source).items()
        }
        self.never_logged = tuple(
            _actions(_list(data, "never_logged", source), "never_logged", source)
        )
        self._global = {k.lower(): v for k, v in _str_map(data, "global_services", source).items()}
        self.skipped_callers = frozenset(_strings(data, "skipped_callers", source))
        self.skipped_event_types = frozenset(_strings(data, "skipped_event_types", source))
        self.denied_errors = frozenset(_strings(data, "denied_errors", source))
        self.unknown_to_catalog = frozenset(
            a.lower() for a in _strings(data, "unknown_to_catalog", source)
        )
        self._blind: dict[tuple[str, tuple[str, ...], tuple[str, ...]], _Blind] = {}

    # -- events -------------------------------------------------------------------------------

    def service_of(self, event_source: str) -> str:
        """The IAM prefix of an ``eventSource`` (``monitoring.amazonaws.com`` -> ``cloudwatch``)."""
        host = event_source.lower().removesuffix(".amazonaws.com")
        return self._sources.get(host, host)

    def data_event_service(self, event_source: str) -> str:
        """The :attr:`~overgrant.usage.EvidenceWindow.data_events` name of a data event's source."""
        host = event_source.lower().removesuffix(".amazonaws.com")
        return self._data_services.get(host, self.service_of(event_source))

    def event_action(self, event_source: str, event_name: str) -> str:
        """``<prefix>:<eventName>`` with the service's API-version suffix removed."""
        prefix = self.service_of(event_source)
        suffix = self._suffixes.get(prefix)
        name = suffix.sub("", event_name) if suffix is not None else event_name
        return f"{prefix}:{name or event_name}"

    def actions_for(self, event: Mapping[str, JsonValue]) -> tuple[ActionResource, ...]:
        """The ``(action, resource)`` pairs an event's call needed, in a stable order.

        Args:
            event: one CloudTrail record (``eventSource``, ``eventName``, ``awsRegion``,
                ``recipientAccountId``, ``requestParameters``, ``resources``...).

        Returns:
            At least one pair when the event names a source and a call; ``()`` otherwise.
        """
        event_source, event_name = event.get("eventSource"), event.get("eventName")
        if not isinstance(event_source, str) or not isinstance(event_name, str):
            return ()
        key = self.event_action(event_source, event_name)
        request = _request_of(event)
        pairs: dict[ActionResource, None] = {}
        for action in self._renamed.get(key.lower(), (key,)):
            for resource in self._resources(action, request, event):
                pairs[(action, resource)] = None
        for extra in self._extras.get(key.lower(), ()):
            if _present(request.params, extra.when):
                rendered = _render(extra.resource, request) if extra.resource != "*" else None
                for action in extra.actions:
                    pairs[(action, rendered or "*")] = None
        return tuple(pairs)

    def _resources(
        self, action: str, request: _Request, event: Mapping[str, JsonValue]
    ) -> tuple[str, ...]:
        """The resources the call used ``action`` on, of the action's own resource types."""
        types = self._resource_types(action)
        prefix = action.partition(":")[0].lower()
        for kind, _ in types:
            for template in self._templates.get((prefix, kind), ()):
                rendered = _render(template, request)
                if rendered is not None:
                    return (rendered,)
        listed = event.get("resources")
        if types and isinstance(listed, list):
            arns = [
                str(item["ARN"])
                for item in listed
                if isinstance(item, dict) and isinstance(item.get("ARN"), str)
            ]
            fitting = [a for a in arns if any(rx.fullmatch(a) for _, rx in types)]
            if fitting:
                return tuple(dict.fromkeys(fitting))
        return ("*",)

    def _resource_types(self, action: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """The action's resource types, in the catalog's order, with their ARN patterns."""
        lowered = action.lower()
        cached = self._types.get(lowered)
        if cached is not None:
            return cached
        entry = self._catalog.action(action)
        found: list[tuple[str, re.Pattern[str]]] = []
        if entry is not None:
            for kind in entry.resource_types:
                resource_type = self._catalog.resource_type(entry.service, kind)
                if resource_type is not None:
                    found.append((kind, _arn_pattern(resource_type.arn)))
        self._types[lowered] = tuple(found)
        return self._types[lowered]

    # -- what CloudTrail cannot show ----------------------------------------------------------

    def blind_spots(self, window: EvidenceWindow) -> tuple[str, ...]:
        """Action patterns whose use a source covering ``window`` could not have shown."""
        return self._blind_for(window).patterns

    def is_observable(self, action: str, window: EvidenceWindow) -> bool:
        """Whether a use of ``action`` would have appeared in the source behind ``window``.

        Exact for the rules of the data file: data events of services the window did not
        record, permissions never logged, and global services outside us-east-1. Regional
        actions are observable within the window's regions only; the caller weighs regions.
        Sources other than CloudTrail's (see :data:`CLOUDTRAIL_SOURCES`) observe nothing here.
        """
        return self._blind_for(window).observable(action)

    def _blind_for(self, window: EvidenceWindow) -> _Blind:
        key = (window.source, tuple(sorted(window.regions)), tuple(sorted(window.data_events)))
        blind = self._blind.get(key)
        if blind is None:
            blind = _Blind(self._blind_patterns(*key))
            self._blind[key] = blind
        return blind

    def _blind_patterns(
        self, source: str, regions: tuple[str, ...], data_events: tuple[str, ...]
    ) -> tuple[str, ...]:
        if source not in CLOUDTRAIL_SOURCES:
            return ("*",)
        recorded = {service.lower() for service in data_events}
        patterns = list(self.never_logged)
        for service, actions in self._data_events.items():
            if service not in recorded:
                patterns.extend(actions)
        if regions:
            patterns.extend(
                f"{service}:*" for service, home in self._global.items() if home not in regions
            )
        return tuple(dict.fromkeys(patterns))

    def templated_resource_types(self) -> tuple[tuple[str, str], ...]:
        """``(prefix, resource type)`` pairs the data file has ARN templates for."""
        return tuple(self._templates)

    def named_actions(self) -> tuple[str, ...]:
        """Every action or pattern the data file names (for checking against the catalog)."""
        named: list[str] = []
        for actions in self._renamed.values():
            named.extend(actions)
        for extras in self._extras.values():
            for extra in extras:
                named.extend(extra.actions)
        for actions in self._data_events.values():
            named.extend(actions)
        named.extend(self.never_logged)
        return tuple(dict.fromkeys(named))


class _Blind:
    """The blind spots of one window shape, compiled, with per-action answers memoized."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = patterns
        source = "|".join(_glob(p.lower()) for p in patterns) or "(?!)"
        self._regex = re.compile(source, re.DOTALL)
        self._answers: dict[str, bool] = {}

    def observable(self, action: str) -> bool:
        lowered = action.lower()
        answer = self._answers.get(lowered)
        if answer is None:
            answer = self._regex.fullmatch(lowered) is None
            self._answers[lowered] = answer
        return answer


def _arn_pattern(arn_format: str) -> re.Pattern[str]:
    """``arn:${Partition}:s3:::${BucketName}/${ObjectName}`` as a regular expression."""
    parts = re.split(r"\$\{[^}]*\}", arn_format)
    return re.compile(".+".join(re.escape(part) for part in parts), re.DOTALL)


def _glob(pattern: str) -> str:
    return "(?:" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + ")"


# -- templates --------------------------------------------------------------------------------


def _request_of(event: Mapping[str, JsonValue]) -> _Request:
    identity = event.get("userIdentity")
    arn = identity.get("arn") if isinstance(identity, dict) else None
    partition = arn.split(":", 2)[1] if isinstance(arn, str) and arn.count(":") >= 2 else "aws"
    account = event.get("recipientAccountId")
    if not isinstance(account, str) and isinstance(identity, dict):
        account = identity.get("accountId")
    region = event.get("awsRegion")
    params = event.get("requestParameters")
    return _Request(
        partition=partition or "aws",
        region=region if isinstance(region, str) else "",
        account=account if isinstance(account, str) else "",
        params=params if isinstance(params, dict) else {},
    )


def _lookup(params: Mapping[str, JsonValue], path: Sequence[str]) -> JsonValue:
    value: JsonValue = dict(params)
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _present(params: Mapping[str, JsonValue], path: Sequence[str]) -> bool:
    value = _lookup(params, path)
    return value is not None and value != "" and value != [] and value != {}


def _render(template: str, request: _Request) -> str | None:
    """The template filled from the request, or ``None`` when a value is missing."""
    whole = _PLACEHOLDER.fullmatch(template)
    failed = False

    def fill(match: re.Match[str]) -> str:
        nonlocal failed
        name, transform = match.group(1), match.group(2)
        if name in _BUILTINS:
            value: JsonValue = getattr(request, name)
        else:
            value = _lookup(request.params, name.split("."))
        if not isinstance(value, str) or not value:
            failed = True
            return ""
        if transform == "role":
            if value.startswith("arn:"):
                return value
            return f"arn:{request.partition}:iam::{request.account}:role/{value}"
        if transform == "last":
            return value.rstrip("/").rsplit("/", 1)[-1]
        if whole is not None and not value.startswith("arn:"):
            failed = True  # a lone parameter stands for the resource only when it is an ARN
        return value

    rendered = _PLACEHOLDER.sub(fill, template)
    return None if failed else rendered


# -- loading ----------------------------------------------------------------------------------


def load_cloudtrail_mapping(
    catalog: AwsCatalog | None = None, path: Path | None = None
) -> CloudTrailMapping:
    """Read the event-to-permission mapping.

    Args:
        catalog: the AWS action catalog (resource types of each action); ``None`` loads the
            bundled one (pass the run's catalog to avoid reading it twice).
        path: a YAML file of the shape of ``catalogs/data/aws_cloudtrail.yaml``; ``None`` reads
            the bundled one.

    Raises:
        ConfigError: the file is not valid YAML or a field has the wrong shape.
        InputError: the file cannot be read.
    """
    if path is None:
        text = resources.files("overgrant.catalogs").joinpath("data", _DATA_FILE).read_text()
        source = _DATA_FILE
    else:
        text = read_text(Path(path))
        source = str(path)
    data = parse_yaml(text, source)
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the CloudTrail mapping must be a mapping of sections")
    if data.get("version") != 1:
        raise ConfigError(f"{source}: /version must be 1")
    return CloudTrailMapping(
        data, source=source, catalog=catalog if catalog is not None else load_aws_catalog()
    )


def _fail(source: str, where: str, problem: str) -> ConfigError:
    return ConfigError(f"{source}: /{where}: {problem}")


def _map(data: Mapping[str, Any], key: str, source: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise _fail(source, key, "must be a mapping")
    return {str(k): v for k, v in value.items()}


def _str_map(data: Mapping[str, Any], key: str, source: str) -> dict[str, str]:
    value = _map(data, key, source)
    for k, v in value.items():
        if not isinstance(v, str) or not v:
            raise _fail(source, f"{key}/{k}", "must be a non-empty string")
    return value


def _list(data: Mapping[str, Any], key: str, source: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise _fail(source, key, "must be a list")
    return value


def _strings(data: Mapping[str, Any], key: str, source: str) -> list[str]:
    value = _list(data, key, source)
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise _fail(source, f"{key}/{i}", "must be a non-empty string")
    return value


def _actions(value: Any, where: str, source: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise _fail(source, where, "must be a non-empty list of actions")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not _ACTION.match(item):
            raise _fail(source, f"{where}/{i}", f"{item!r} is not an action (service:Name)")
    return value


def _templates(value: Any, where: str, source: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise _fail(source, where, "must be a non-empty list of ARN templates")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not _PLACEHOLDER.search(item):
            raise _fail(source, f"{where}/{i}", "must be a template with a ${parameter}")
        leftover = _PLACEHOLDER.sub("", item)
        if "${" in leftover:
            raise _fail(source, f"{where}/{i}", "has a malformed ${...} placeholder")
    return value


def _extra(entry: Any, where: str, source: str) -> Extra:
    if not isinstance(entry, dict):
        raise _fail(source, where, "must be a mapping")
    event, when, resource = entry.get("event"), entry.get("when"), entry.get("resource", "*")
    if not isinstance(event, str) or not _ACTION.match(event):
        raise _fail(source, f"{where}/event", "must be <prefix>:<EventName>")
    if not isinstance(when, str) or not when:
        raise _fail(source, f"{where}/when", "must name a request parameter")
    if not isinstance(resource, str) or (
        resource != "*" and "${" in _PLACEHOLDER.sub("", resource)
    ):
        raise _fail(source, f"{where}/resource", "must be * or an ARN template")
    return Extra(
        event=event.lower(),
        when=tuple(when.split(".")),
        actions=tuple(_actions(entry.get("actions"), f"{where}/actions", source)),
        resource=resource,
    )
