"""Every function has a sample event in events/, and that event gets the documented answer.

These are the events `sam local invoke <Function> -e events/<Function>.json` uses; the test
runs each against its handler with events/env.json's variables, on moto seeded with the one
promotion the events refer to.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from local.stack import LocalStack
from local.template import Template
from offers.auth.authorizer import token_verifier
from offers.models.promotions import PromotionRecord
from offers.settings import get_settings
from offers.store.promotions import PromotionStore
from tests.support.events import (
    EVENTS_DIR,
    SAMPLE_PROMOTION_ID,
    SAMPLE_TENANT_ID,
    load_event,
    sample_environment,
)

# The documented status of each function for its sample event.
EXPECTED_STATUS = {
    "CreatePromotionFunction": 201,
    "GetPromotionFunction": 200,
    "UpdatePromotionFunction": 200,
    "DeletePromotionFunction": 204,
    "ListPromotionsFunction": 200,
    "TogglePromotionFunction": 200,
    "EndPromotionFunction": 200,
}
NOT_HTTP = {"AuthorizerFunction"}


def function_ids() -> list[str]:
    return sorted(Template(parameters={"TokenIssuer": "x", "JwksUrl": "https://x"}).functions())


@pytest.fixture
def sample_stack(stack: LocalStack, monkeypatch) -> LocalStack:
    for name, value in sample_environment().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    token_verifier.cache_clear()
    now = datetime.now(UTC)
    PromotionStore().create(
        SAMPLE_TENANT_ID,
        PromotionRecord(
            id=SAMPLE_PROMOTION_ID,
            promo_id=100001,
            name="Sample promotion",
            type="PRODUCT",
            start_at=now - timedelta(days=1),
            discounts=[{"unit": "PERCENTAGE_OFF", "value": 10}],
            created_at=now,
            updated_at=now,
        ),
    )
    return stack


def test_every_function_has_a_sample_event_and_an_expected_answer():
    for function_id in function_ids():
        assert (EVENTS_DIR / f"{function_id}.json").is_file(), f"events/{function_id}.json is missing"
        assert function_id in EXPECTED_STATUS or function_id in NOT_HTTP, function_id


@pytest.mark.parametrize("function_id", sorted(EXPECTED_STATUS))
def test_given_the_sample_event_when_invoked_then_the_documented_status(
    sample_stack: LocalStack, function_id
):
    assert sample_stack.functions is not None
    result = sample_stack.functions.invoke(function_id, load_event(function_id))
    assert result["statusCode"] == EXPECTED_STATUS[function_id], result["body"]
    assert (
        result["headers"]["x-fabric-request-id"] == load_event(function_id)["headers"]["x-fabric-request-id"]
    )
    if result["body"]:
        json.loads(result["body"])


def test_given_the_sample_authorizer_event_when_invoked_then_the_sample_tenant_is_allowed(sample_stack):
    assert sample_stack.functions is not None
    result = sample_stack.functions.invoke("AuthorizerFunction", load_event("AuthorizerFunction"))
    assert result["isAuthorized"] is True
    assert result["context"]["tenantId"] == SAMPLE_TENANT_ID
