"""Turning AWS API failures into coverage gaps, so that unread data is never reported as clean.

A collector that swallows ``AccessDenied`` and carries on with an empty list tells the report
that an account has no users, no keys, no bucket policies; that is the one mistake a security
tool must not make. Every call that can fail is made through :meth:`GapRecorder.call`: an
error that AWS answered (``botocore.exceptions.ClientError``) becomes a
:class:`~overgrant.model.CoverageGap` naming the operation, the account and what is missing,
and the caller receives ``None`` and moves on to the next API. Anything else (a bug, a broken
network) propagates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from botocore.exceptions import ClientError

from overgrant.model import Cloud, CoverageGap, GapReason, ScopeId

_P = ParamSpec("_P")
_T = TypeVar("_T")

ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",  # IAM, STS, S3 and most query/XML services
        "AccessDeniedException",  # JSON services: KMS, Lambda, Secrets Manager, ECS, Organizations
        "UnauthorizedOperation",  # EC2
        "AuthorizationError",  # SNS
        "UnauthorizedAccess",
        "AuthFailure",  # EC2: a region the account has not opted into
    }
)
"""Error codes AWS uses for "the caller may not do this"; an HTTP 403 counts as well."""

THROTTLING_CODES = frozenset(
    {
        # The codes botocore's retry handler treats as throttling: when one of them reaches
        # us, every retry the client was configured for has already been spent.
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "EC2ThrottledException",
        "LimitExceededException",
    }
)

_MAX_NAMED_TARGETS = 5


def error_code(error: ClientError) -> str:
    """The AWS error code of a failed call (``AccessDenied``, ``Throttling``...)."""
    return str(error.response.get("Error", {}).get("Code", ""))


def gap_reason(error: ClientError) -> GapReason:
    """Classify an error AWS returned: denied, throttled beyond the retries, or other."""
    code = error_code(error)
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if code in ACCESS_DENIED_CODES or status == 403:
        return GapReason.ACCESS_DENIED
    if code in THROTTLING_CODES:
        return GapReason.THROTTLED
    return GapReason.ERROR


def gap_message(error: ClientError) -> str:
    """``Code: message`` as AWS gave it, for the gap's message."""
    message = str(error.response.get("Error", {}).get("Message", "")).strip()
    code = error_code(error) or "error"
    return f"{code}: {message}" if message else code


@dataclass(slots=True)
class _Failure:
    operation: str
    reason: GapReason
    message: str
    affects: str
    targets: list[str] = field(default_factory=list)


class GapRecorder:
    """Runs AWS calls for one scope (an account) and records each failure as a coverage gap.

    Failures of one operation for one reason are folded into one gap that names the objects
    it affected, so a policy that denies ``iam:ListAccessKeys`` yields one gap listing the
    users, not one gap per user.
    """

    def __init__(self, scope: str) -> None:
        self.scope = scope
        self._failures: dict[tuple[str, GapReason], _Failure] = {}

    def call(
        self,
        operation: str,
        affects: str,
        fn: Callable[_P, _T],
        /,
        *args: _P.args,
        **kwargs: _P.kwargs,
    ) -> _T | None:
        """Return ``fn(*args, **kwargs)``, or ``None`` after recording a gap if AWS refused.

        Args:
            operation: the IAM action that failed, such as ``iam:ListAccessKeys``.
            affects: what the inventory lacks if it fails, such as ``access keys of users``.
            fn: the call (or a fetch function making several calls).
        """
        return self.call_for(operation, affects, None, fn, *args, **kwargs)

    def call_for(
        self,
        operation: str,
        affects: str,
        target: str | None,
        fn: Callable[_P, _T],
        /,
        *args: _P.args,
        **kwargs: _P.kwargs,
    ) -> _T | None:
        """Like :meth:`call`, naming the one object (user, bucket...) the call was about."""
        try:
            return fn(*args, **kwargs)
        except ClientError as error:
            self.record(operation, affects, error, target=target)
            return None

    def record(
        self, operation: str, affects: str, error: ClientError, *, target: str | None = None
    ) -> None:
        """Record a failure that the caller caught itself."""
        reason = gap_reason(error)
        failure = self._failures.get((operation, reason))
        if failure is None:
            failure = _Failure(operation, reason, gap_message(error), affects)
            self._failures[(operation, reason)] = failure
        if target is not None:
            failure.targets.append(target)

    def failed(self, operation: str) -> bool:
        """Whether any call of ``operation`` has failed so far."""
        return any(recorded == operation for recorded, _ in self._failures)

    def gaps(self) -> tuple[CoverageGap, ...]:
        """The coverage gaps recorded so far, one per operation and reason."""
        return tuple(
            CoverageGap(
                cloud=Cloud.AWS,
                scope=ScopeId(self.scope),
                operation=f.operation,
                reason=f.reason,
                message=f.message,
                affects=_with_targets(f.affects, f.targets),
            )
            for f in self._failures.values()
        )


def _with_targets(affects: str, targets: list[str]) -> str:
    if not targets:
        return affects
    named = ", ".join(targets[:_MAX_NAMED_TARGETS])
    more = len(targets) - _MAX_NAMED_TARGETS
    return f"{affects} ({named}{f' and {more} more' if more > 0 else ''})"
