"""Which DynamoDB failures are retried within the request, how often, and what is left: a 503."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from offers.errors import TemporarilyUnavailable
from offers.store import retries
from offers.store.retries import ATTEMPTS, backoff_delays, is_transient, with_retries


def client_error(code: str, reasons: list[str] | None = None) -> ClientError:
    response: dict = {"Error": {"Code": code, "Message": code}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": reason} for reason in reasons]
    return ClientError(response, "AnOperation")


def cancelled(*reasons: str) -> ClientError:
    return client_error("TransactionCanceledException", list(reasons))


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(retries.time, "sleep", lambda _: None)


class Flaky:
    """Fails with ``error`` ``times`` times, then answers."""

    def __init__(self, error: Exception, times: int):
        self.error, self.times, self.calls = error, times, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.times:
            raise self.error
        return "done"


REFUSED = [
    client_error("ProvisionedThroughputExceededException"),
    client_error("ThrottlingException"),
    client_error("RequestLimitExceeded"),
    cancelled("None", "TransactionConflict"),
    cancelled("ThrottlingError", "None"),
    cancelled("InternalServerError"),
    EndpointConnectionError(endpoint_url="https://dynamodb"),
]


@pytest.mark.parametrize("error", REFUSED)
def test_given_work_dynamodb_refused_when_it_fails_a_few_times_then_retried_even_if_not_repeatable(error):
    call = Flaky(error, ATTEMPTS - 1)
    assert with_retries(call, operation="X", repeatable=False) == "done"
    assert call.calls == ATTEMPTS


@pytest.mark.parametrize("error", REFUSED)
def test_given_a_failure_that_persists_when_retried_then_bounded_and_temporarily_unavailable(error):
    call = Flaky(error, 100)
    with pytest.raises(TemporarilyUnavailable) as caught:
        with_retries(call, operation="X", repeatable=True)
    assert call.calls == ATTEMPTS
    assert caught.value.retry_after >= 1


@pytest.mark.parametrize(
    "error", [client_error("InternalServerError"), ReadTimeoutError(endpoint_url="https://dynamodb")]
)
def test_given_an_unknown_outcome_when_the_call_is_not_repeatable_then_not_retried(error):
    assert is_transient(error, repeatable=True)
    call = Flaky(error, 1)
    with pytest.raises(TemporarilyUnavailable):
        with_retries(call, operation="X", repeatable=False)
    assert call.calls == 1
    assert with_retries(Flaky(error, 1), operation="X", repeatable=True) == "done"


@pytest.mark.parametrize(
    "error",
    [
        cancelled("ConditionalCheckFailed", "TransactionConflict"),
        cancelled("None", "ValidationError"),
        client_error("ValidationException"),
        client_error("ConditionalCheckFailedException"),
    ],
)
def test_given_a_refusal_of_the_request_itself_then_never_retried(error):
    call = Flaky(error, 1)
    with pytest.raises(ClientError):
        with_retries(call, operation="X", repeatable=True)
    assert call.calls == 1


def test_given_backoff_then_jittered_within_growing_capped_bounds():
    for _ in range(200):
        delays = list(backoff_delays(6))
        assert len(delays) == 5
        assert all(
            0 <= d <= min(retries.MAX_DELAY_SECONDS, retries.BASE_DELAY_SECONDS * 2**i)
            for i, d in enumerate(delays)
        )
    assert len({round(d, 6) for d in backoff_delays(50)}) > 40  # jitter: not a fixed schedule
