"""Webhook signing (the documented recipe), the backoff schedule and where a webhook may point."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from offers.errors import InvalidInput
from offers.services.webhook_delivery import check_url, retry_delay, sign, verify


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body_as_documented():
    body = b'{"id":"e1","type":"export.completed"}'
    header = sign("whsec_0123456789abcdef", 1700000000, body)
    expected = hmac.new(b"whsec_0123456789abcdef", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


def test_verify_accepts_the_real_signature_and_refuses_edits_wrong_secrets_and_old_timestamps():
    body, now = b'{"a":1}', time.time()
    header = sign("s" * 16, int(now), body)
    assert verify("s" * 16, header, body, now=now)
    assert not verify("s" * 16, header, b'{"a":2}', now=now)
    assert not verify("t" * 16, header, body, now=now)
    assert not verify("s" * 16, header, body, now=now + 301)
    assert not verify("s" * 16, "garbage", body, now=now)


def test_backoff_doubles_from_the_base_up_to_the_cap():
    assert [retry_delay(n, 30, 3600) for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_the_deployed_schedule_retries_for_at_least_24_hours_with_about_30_attempts():
    elapsed, attempts = 0, 1
    while elapsed < 86400:  # the rule: dead-letter only after an attempt fails past the window
        elapsed += retry_delay(attempts, 30, 3600)
        attempts += 1
    assert 25 <= attempts <= 35


def resolver(*addresses: str):
    return lambda host: list(addresses)


@pytest.mark.parametrize(
    ("url", "addresses", "message"),
    [
        ("http://example.com/hook", ["93.184.216.34"], "must be https"),
        ("ftp://example.com/hook", ["93.184.216.34"], "absolute https URL"),
        ("https://user:pw@example.com/hook", ["93.184.216.34"], "credentials"),
        ("https://internal.example/hook", ["10.0.0.7"], "private"),
        ("https://localhost/hook", ["127.0.0.1"], "private"),
        ("https://meta.example/hook", ["169.254.169.254"], "private"),
        ("https://mixed.example/hook", ["93.184.216.34", "192.168.1.2"], "private"),
        ("https://v6.example/hook", ["::1"], "private"),
        ("https://v6.example/hook", ["fd00::1"], "private"),
        ("https://nowhere.example/hook", [], "does not resolve"),
    ],
)
def test_deployed_webhooks_must_be_https_to_public_addresses(url, addresses, message):
    with pytest.raises(InvalidInput) as error:
        check_url(url, allow_loopback=False, resolve=resolver(*addresses))
    assert error.value.problems[0].field == "url"
    assert message in error.value.problems[0].message


def test_a_public_https_url_is_accepted():
    check_url("https://hooks.example.com/offers", allow_loopback=False, resolve=resolver("93.184.216.34"))


def test_locally_plain_http_to_loopback_is_allowed_but_not_to_other_private_addresses():
    check_url("http://127.0.0.1:8080/hook", allow_loopback=True, resolve=resolver("127.0.0.1"))
    with pytest.raises(InvalidInput):
        check_url("http://10.1.2.3/hook", allow_loopback=True, resolve=resolver("10.1.2.3"))
    with pytest.raises(InvalidInput):
        check_url("http://127.0.0.1:8080/hook", allow_loopback=False, resolve=resolver("127.0.0.1"))
