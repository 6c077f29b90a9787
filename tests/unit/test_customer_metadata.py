"""POST /v1/customers metadata holds only what DynamoDB stores, and comes back as JSON numbers
(the fuzzer's 500s: 1.8e308 failed the write, a stored 0.5 failed the answer as a Decimal)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from offers.api.responses import ok
from offers.models.customers import CustomerInput


@pytest.mark.parametrize(
    "metadata",
    [{"a": {"b": 1.7976931348623157e308}}, {"a": [1e-200]}, {"a": 10**40}, {"a": "\udbe1"}, {"\ud8c1": 1}],
)
def test_given_metadata_dynamodb_cannot_store_then_it_is_refused_naming_metadata(metadata):
    with pytest.raises(ValidationError, match="metadata"):
        CustomerInput(source_id="c1", metadata=metadata)


def test_given_storable_metadata_then_it_is_kept_as_sent():
    metadata = {"a": {"b": 0.5, "c": 0, "d": -(10**37), "e": [True, None, "é"]}}
    assert CustomerInput(source_id="c1", metadata=metadata).metadata == metadata


def test_given_stored_decimals_when_answered_then_json_numbers():
    response = ok({"metadata": {"half": Decimal("0.5"), "two": Decimal("2")}})
    assert json.loads(response.body) == {"metadata": {"half": 0.5, "two": 2}}
