"""Sending one webhook request: where it may go, how it is signed, how long to wait before the next.

Signature (documented in the README): header ``Offers-Signature: t=<unix seconds>,v1=<hex>``
where ``hex = HMAC-SHA256(secret, "<t>.<raw body>")``. The receiver recomputes it over the raw
bytes it received, compares in constant time, and refuses a ``t`` older than a few minutes
(replays). ``Offers-Event-Id`` is the same on every attempt of an event: dedupe on it.

Where: deployed, only ``https`` URLs whose host resolves to public addresses only (checked
when the webhook is saved and again before every attempt, so a DNS change can't aim it at
the VPC); redirects are not followed. Locally (WEBHOOK_ALLOW_LOOPBACK) plain ``http`` to a
loopback address is allowed too, so a developer can receive them.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from offers.errors import InvalidInput

SIGNATURE_HEADER = "Offers-Signature"
EVENT_ID_HEADER = "Offers-Event-Id"
EVENT_TYPE_HEADER = "Offers-Event-Type"
USER_AGENT = "offers-webhooks/1"
Resolver = Callable[[str], list[str]]


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, now: float, tolerance_seconds: int = 300) -> bool:
    """The receiver's side of the recipe (also what the README shows)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return abs(now - timestamp) <= tolerance_seconds and hmac.compare_digest(expected, parts.get("v1", ""))


def retry_delay(attempts: int, base_seconds: int, max_seconds: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt: base, 2 base, 4 base, ... <= max."""
    return min(base_seconds * 2 ** min(attempts - 1, 30), max_seconds)


def _resolve(host: str) -> list[str]:
    return sorted({info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)})


def check_url(url: str, *, allow_loopback: bool, resolve: Resolver = _resolve) -> None:
    """400 naming ``url`` unless a request to it would leave for the public internet (or, when
    allowed, for this machine's loopback)."""

    def refuse(message: str) -> InvalidInput:
        return InvalidInput.for_field("url", message, code="INVALID_WEBHOOK_URL")

    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise refuse("must be an absolute https URL")
    if parts.username or parts.password:
        raise refuse("must not carry credentials")
    try:
        addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolve(parts.hostname)]
    except (OSError, UnicodeError, ValueError) as error:
        raise refuse(f"host {parts.hostname!r} does not resolve") from error
    if not addresses:
        raise refuse(f"host {parts.hostname!r} does not resolve")
    loopback = all(address.is_loopback for address in addresses)
    if allow_loopback and loopback:
        return
    if parts.scheme != "https":
        raise refuse("must be https")
    if not all(address.is_global and not address.is_multicast for address in addresses):
        raise refuse("must not resolve to a private, loopback or reserved address")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer (3xx = failed attempt), never followed


_opener = urllib.request.build_opener(_NoRedirects)


@dataclass(frozen=True)
class SendResult:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def send(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> SendResult:
    request = urllib.request.Request(url, data=body, method="POST")
    for name, value in {"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers}.items():
        request.add_header(name, value)
    started = time.monotonic()
    status: int | None = None
    error: str | None = None
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = response.status
            response.read(65536)
    except urllib.error.HTTPError as failure:
        status, error = failure.code, f"HTTP {failure.code}"
    except (urllib.error.URLError, OSError, ValueError) as failure:
        error = str(getattr(failure, "reason", failure))[:300] or type(failure).__name__
    return SendResult(status, error, int((time.monotonic() - started) * 1000))
