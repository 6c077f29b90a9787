"""Download tokens for Voucherify's ``result.url``: ``<base>/v1/exports/<id>?token=...``.

A token is ``base64url(tenant "|" expiry) "." base64url(hmac)``; the HMAC (a key derived from
CURSOR_SECRET for this purpose only) covers the tenant, the export id and the expiry, so a
token opens one export of one tenant until it expires and can be neither forged nor moved to
another export. Tokens are made when an export is read, so a fresh GET gives a fresh link.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time

from offers.settings import get_settings

DOWNLOAD_TOKEN_SECONDS = 3600
_PURPOSE = b"offers/v1-export-download"


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(tenant_id: str, export_id: str, expires: int) -> str:
    secret = get_settings().cursor_secret.get_secret_value().encode()
    key = hmac.new(secret, _PURPOSE, hashlib.sha256).digest()
    message = f"{tenant_id}|{export_id}|{expires}".encode()
    return _b64encode(hmac.new(key, message, hashlib.sha256).digest())


def make_download_token(tenant_id: str, export_id: str, *, now: float | None = None) -> str:
    expires = int((now if now is not None else time.time()) + DOWNLOAD_TOKEN_SECONDS)
    return f"{_b64encode(f'{tenant_id}|{expires}'.encode())}.{_mac(tenant_id, export_id, expires)}"


def tenant_of_download_token(token: str, export_id: str, *, now: float | None = None) -> str | None:
    """The tenant the token opens ``export_id`` for, or None (forged, for another export, expired)."""
    payload, _, signature = token.partition(".")
    try:
        tenant_id, _, expires_text = _b64decode(payload).decode().partition("|")
        expires = int(expires_text)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not hmac.compare_digest(signature, _mac(tenant_id, export_id, expires)):
        return None
    if expires < (now if now is not None else time.time()):
        return None
    return tenant_id
