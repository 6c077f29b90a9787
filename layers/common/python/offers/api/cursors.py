"""Opaque pagination cursors, bound to one tenant and one query.

A cursor is ``base64url(json) "." base64url(hmac)``. The HMAC (key: CURSOR_SECRET) makes any
edit detectable; the payload names the tenant and a fingerprint of the query, so a cursor
replayed for another tenant or with other filters is refused. Either way: 400.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from typing import Any

from offers.errors import InvalidInput
from offers.settings import get_settings

_SIGNATURE_BYTES = 16
# What encode_cursor makes: two base64url parts. Anything else (non-ASCII included, which
# hmac.compare_digest can't even compare as text) is refused before any decoding.
_CURSOR_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str) -> str:
    key = get_settings().cursor_secret.get_secret_value().encode()
    return _b64encode(hmac.new(key, payload.encode(), hashlib.sha256).digest()[:_SIGNATURE_BYTES])


def query_fingerprint(*parts: Any) -> str:
    """A short stable digest of whatever defines the query (filters, sort, ...)."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode_cursor(position: dict[str, Any], *, tenant_id: str, query: str) -> str:
    payload = _b64encode(
        json.dumps({"t": tenant_id, "q": query, "p": position}, separators=(",", ":"), default=str).encode()
    )
    return f"{payload}.{_signature(payload)}"


def decode_cursor(cursor: str, *, tenant_id: str, query: str, field: str = "startCursor") -> dict[str, Any]:
    invalid = InvalidInput.for_field(field, "is not a valid cursor for this request")
    if not _CURSOR_RE.match(cursor):
        raise invalid
    payload, _, signature = cursor.partition(".")
    if not hmac.compare_digest(signature.encode(), _signature(payload).encode()):
        raise invalid
    try:
        data = json.loads(_b64decode(payload))
    except (ValueError, binascii.Error) as error:
        raise invalid from error
    if not isinstance(data, dict) or data.get("t") != tenant_id or data.get("q") != query:
        raise invalid
    position = data.get("p")
    if not isinstance(position, dict):
        raise invalid
    return position


def maybe_encode(position: dict[str, Any] | None, *, tenant_id: str, query: str) -> str | None:
    return None if position is None else encode_cursor(position, tenant_id=tenant_id, query=query)


def maybe_decode(
    cursor: str | None, *, tenant_id: str, query: str, field: str = "startCursor"
) -> dict[str, Any] | None:
    return None if not cursor else decode_cursor(cursor, tenant_id=tenant_id, query=query, field=field)
