"""Pagination cursors: opaque, tamper-evident, bound to tenant and query."""

from __future__ import annotations

import base64
import json

import pytest

from offers.api.cursors import decode_cursor, encode_cursor, query_fingerprint
from offers.errors import InvalidInput
from offers.settings import get_settings

A, B = "a" * 24, "b" * 24


@pytest.fixture(autouse=True)
def _settings(monkeypatch):
    monkeypatch.setenv("TABLE_NAME", "t")
    monkeypatch.setenv("CURSOR_SECRET", "unit-test-cursor-secret-0123456789")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_given_a_position_when_encoded_and_decoded_with_same_tenant_and_query_then_it_round_trips():
    position = {"pk": "T#x#PROMO", "sk": "PROMO#123"}
    cursor = encode_cursor(position, tenant_id=A, query="q1")
    assert decode_cursor(cursor, tenant_id=A, query="q1") == position
    assert "PROMO" not in cursor  # opaque to the eye


@pytest.mark.parametrize(("tenant", "query"), [(B, "q1"), (A, "q2")])
def test_given_a_cursor_when_used_for_another_tenant_or_query_then_400(tenant, query):
    cursor = encode_cursor({"sk": "1"}, tenant_id=A, query="q1")
    with pytest.raises(InvalidInput) as caught:
        decode_cursor(cursor, tenant_id=tenant, query=query)
    assert caught.value.problems[0].field == "startCursor"


def test_given_a_cursor_whose_payload_was_edited_when_decoded_then_400():
    cursor = encode_cursor({"sk": "1"}, tenant_id=A, query="q")
    payload, signature = cursor.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=="))
    data["t"] = B
    edited = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidInput):
        decode_cursor(f"{edited}.{signature}", tenant_id=B, query="q")


@pytest.mark.parametrize(
    "garbage", ["", ".", "abc", "abc.def", "ééé.x", "abc.é", "e30.é", "abc.\x00", "e30.", "a" * 3000, "a.b.c"]
)
def test_given_garbage_when_decoded_then_400(garbage):
    with pytest.raises(InvalidInput):
        decode_cursor(garbage, tenant_id=A, query="q")


def test_given_equal_queries_then_equal_fingerprints_and_different_ones_differ():
    assert query_fingerprint("x", {"a": 1, "b": 2}) == query_fingerprint("x", {"b": 2, "a": 1})
    assert query_fingerprint("x", {"a": 1}) != query_fingerprint("x", {"a": 2})
