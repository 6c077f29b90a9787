"""Transient DynamoDB failures: retried within the request where that is safe, else a 503.

DynamoDB refuses work it never started (throttling: ProvisionedThroughputExceeded,
ThrottlingException, RequestLimitExceeded; a transaction cancelled only by TransactionConflict,
ThrottlingError or an internal error, with no failed condition) and now and then fails work whose
outcome is unknown (InternalServerError, a read timeout). This module owns the retry policy for
every DynamoDB call (the client's own retries are off, so attempts don't multiply):

* refused work is retried for any call: it did nothing;
* work of unknown outcome is retried only where repeating it is safe: reads, puts and deletes
  (idempotent), conditional updates (a repeat can't apply twice), transactions with a client
  request token (DynamoDB makes them idempotent);
* at most ``ATTEMPTS`` attempts, with full-jitter exponential backoff (racing writers spread
  out instead of colliding again); what still fails is ``TemporarilyUnavailable``, a 503 with
  ``Retry-After`` in the dialect's format. Nothing was half-written: each attempt is atomic.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, TypeVar

from offers.errors import TemporarilyUnavailable

ATTEMPTS = 4
BASE_DELAY_SECONDS = 0.025
MAX_DELAY_SECONDS = 0.4
RETRY_AFTER_SECONDS = 1

# Error codes of calls DynamoDB refused without doing anything.
REFUSED_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",  # also Step Functions'
        "RequestLimitExceeded",
        "SlowDown",  # S3's
    }
)
# Error codes of calls whose outcome is unknown.
UNKNOWN_OUTCOME_CODES = frozenset({"InternalServerError", "ServiceUnavailable", "InternalFailure"})
# Cancellation reasons that say the transaction lost a race or was throttled, not refused.
TRANSIENT_CANCELLATIONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "InternalServerError"}
)
CANCELLED_CODE = "TransactionCanceledException"

T = TypeVar("T")


@cache
def _botocore() -> Any:
    # Imported when a call fails (botocore is loaded by then): keeps it out of handler imports.
    from botocore import exceptions  # noqa: PLC0415

    return exceptions


def _failures() -> tuple[type[Exception], ...]:
    """What a DynamoDB call raises that this module judges (evaluated only when one is raised)."""
    exceptions = _botocore()
    return (exceptions.ClientError, exceptions.ConnectionError, exceptions.ReadTimeoutError)


def error_code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))


def cancellation_reasons(error: Exception) -> list[str]:
    reasons = getattr(error, "response", {}).get("CancellationReasons", [])
    return [reason.get("Code", "None") for reason in reasons]


def transient_cancellation(error: Exception) -> bool:
    """Cancelled, and every reason is a lost race or throttling (no failed condition)."""
    if error_code(error) != CANCELLED_CODE:
        return False
    reasons = [reason for reason in cancellation_reasons(error) if reason != "None"]
    return bool(reasons) and all(reason in TRANSIENT_CANCELLATIONS for reason in reasons)


def is_transient(error: Exception, *, repeatable: bool) -> bool:
    """Worth another attempt: refused work always; work of unknown outcome if ``repeatable``."""
    exceptions = _botocore()
    if isinstance(error, exceptions.ConnectTimeoutError | exceptions.EndpointConnectionError):
        return True  # never reached DynamoDB
    if isinstance(error, exceptions.ConnectionError | exceptions.ReadTimeoutError):
        return repeatable  # may have reached it
    if not isinstance(error, exceptions.ClientError):
        return False
    code = error_code(error)
    if code in REFUSED_CODES or transient_cancellation(error):
        return True
    return repeatable and code in UNKNOWN_OUTCOME_CODES


def backoff_delay(retry: int) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2^retry))."""
    return random.uniform(0, min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2**retry))


def backoff_delays(attempts: int = ATTEMPTS) -> Iterator[float]:
    """The pause before each retry of ``attempts`` attempts."""
    return (backoff_delay(retry) for retry in range(attempts - 1))


def with_retries(call: Callable[[], T], *, operation: str, repeatable: bool) -> T:
    """``call()``, retried while it fails transiently; then ``TemporarilyUnavailable``."""
    delays = backoff_delays()
    while True:
        try:
            return call()
        except _failures() as error:
            if not is_transient(error, repeatable=True):
                raise  # the request itself was refused: the caller's error to judge
            # Outlived the retries, or of unknown outcome and unsafe to repeat: 503 either way.
            delay = next(delays, None) if is_transient(error, repeatable=repeatable) else None
            if delay is None:
                raise TemporarilyUnavailable(
                    f"the data store is busy ({operation}); retry shortly",
                    retry_after=RETRY_AFTER_SECONDS,
                ) from error
        time.sleep(delay)


def unavailable_when_busy(call: Callable[[], T], *, operation: str) -> T:
    """``call()`` to a service whose client retries on its own (S3, Step Functions): a transient
    failure it still ends in is ``TemporarilyUnavailable`` (503, Retry-After), like DynamoDB's."""
    try:
        return call()
    except _failures() as error:
        if not is_transient(error, repeatable=False):
            raise
        raise TemporarilyUnavailable(
            f"the service is busy ({operation}); retry shortly", retry_after=RETRY_AFTER_SECONDS
        ) from error
