"""Every function has a sample event in events/, and that event gets the documented answer.

These are the events `sam local invoke <Function> -e events/<Function>.json` uses; the test
runs each against its handler with events/env.json's variables, on moto seeded with the data
the events refer to. `make sam-local-check` runs the same events in the Lambda container.
"""

from __future__ import annotations

import json

import pytest

from local.samples import (
    EVENTS_DIR,
    answer_matches,
    expected_answers,
    load_event,
    sample_environment,
    seed_sample_data,
)
from local.stack import LocalStack
from local.template import Template
from offers.auth.authorizer import token_verifier
from offers.settings import get_settings

HTTP_FUNCTIONS = sorted(name for name, answer in expected_answers().items() if isinstance(answer, int))
OTHER_FUNCTIONS = sorted(name for name, answer in expected_answers().items() if not isinstance(answer, int))


@pytest.fixture
def sample_stack(stack: LocalStack, monkeypatch) -> LocalStack:
    for name, value in sample_environment().items():
        if name != "TABLE_NAME":  # the emulated table has the same name; keep the template's value
            monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    token_verifier.cache_clear()
    seed_sample_data()
    return stack


def test_every_function_has_a_sample_event_and_an_expected_answer():
    functions = Template(parameters={"TokenIssuer": "x", "JwksUrl": "https://x"}).functions()
    for function_id in functions:
        assert (EVENTS_DIR / f"{function_id}.json").is_file(), f"events/{function_id}.json is missing"
        assert function_id in expected_answers(), f"events/expected-status.json lacks {function_id}"


@pytest.mark.parametrize("function_id", HTTP_FUNCTIONS)
def test_given_the_sample_event_when_invoked_then_the_documented_status(
    sample_stack: LocalStack, function_id
):
    assert sample_stack.functions is not None
    event = load_event(function_id)
    result = sample_stack.functions.invoke(function_id, event)
    assert result["statusCode"] == expected_answers()[function_id], result["body"]
    assert result["headers"]["x-fabric-request-id"] == event["headers"]["x-fabric-request-id"]
    if result["body"]:
        json.loads(result["body"])


@pytest.mark.parametrize("function_id", OTHER_FUNCTIONS)
def test_given_the_sample_event_of_a_non_http_function_when_invoked_then_the_documented_result(
    sample_stack, function_id
):
    result = sample_stack.functions.invoke(function_id, load_event(function_id))
    assert answer_matches(expected_answers()[function_id], result), result


def test_given_samples_seeded_then_seeding_again_works_and_keeps_the_sample_cards(sample_stack: LocalStack):
    # `make sam-local-check` seeds before every event, on one emulator
    seed_sample_data()

    event = load_event("VoucherifyGetVoucherFunction")
    assert sample_stack.functions is not None
    result = sample_stack.functions.invoke("VoucherifyGetVoucherFunction", event)
    assert result["statusCode"] == 200, result["body"]
