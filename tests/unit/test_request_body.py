"""The shared request-body checks: JSON media type, UTF-8, depth, an object."""

from __future__ import annotations

import base64

import pytest

from offers.api.body import MAX_JSON_DEPTH, json_body_event, media_type, parse_json_object
from offers.errors import InvalidInput, UnsupportedMediaType


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("APPLICATION/JSON", "application/json"),
        (" application/json ; charset=utf-8", "application/json"),
        (None, ""),
    ],
)
def test_given_a_content_type_then_its_media_type_is_lower_case_without_parameters(header, expected):
    assert media_type(header) == expected


def test_given_a_json_body_in_base64_then_the_event_carries_text_and_a_canonical_type():
    event = {
        "headers": {"content-type": "Application/Json; charset=UTF-8"},
        "body": base64.b64encode(b'{"a": 1}').decode(),
        "isBase64Encoded": True,
    }
    checked = json_body_event(event)
    assert (checked["body"], checked["isBase64Encoded"], checked["headers"]["content-type"]) == (
        '{"a": 1}',
        False,
        "application/json",
    )


def test_given_a_form_body_then_unsupported_media_type_and_a_bodiless_request_passes():
    with pytest.raises(UnsupportedMediaType):
        json_body_event({"headers": {"content-type": "application/x-www-form-urlencoded"}, "body": "a=1"})
    bodiless = {"headers": {"content-type": "text/plain"}}
    assert json_body_event(bodiless)["headers"]["content-type"] == "application/json"
    without_type = {"headers": {}}
    assert json_body_event(without_type) is without_type


def test_given_bytes_that_are_not_utf8_then_400_naming_the_body():
    event = {"headers": {}, "body": base64.b64encode(b"\xff\xfe").decode(), "isBase64Encoded": True}
    with pytest.raises(InvalidInput) as caught:
        json_body_event(event)
    assert caught.value.problems[0].field == "body"


@pytest.mark.parametrize("text", ["[1, 2]", "1", '"x"', "null", "{", "[" * 5000 + "]" * 5000])
def test_given_json_that_is_not_an_object_or_not_json_then_400(text):
    with pytest.raises(InvalidInput):
        parse_json_object(text)


def test_given_nesting_at_the_limit_then_parsed_and_one_past_it_then_400():
    at_limit = '{"a":' * (MAX_JSON_DEPTH - 1) + "[]" + "}" * (MAX_JSON_DEPTH - 1)
    assert parse_json_object(at_limit)
    past = '{"a":' * MAX_JSON_DEPTH + "[]" + "}" * MAX_JSON_DEPTH
    with pytest.raises(InvalidInput, match="nested too deeply"):
        parse_json_object(past, "x-site-context")
