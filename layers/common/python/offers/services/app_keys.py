"""App keys: make (token shown once), list, revoke, and resolve a presented pair to its tenant.

Tokens are 256 random bits, so a plain SHA-256 is enough to store them (no slow hash needed:
there is nothing to brute-force); the stored and presented hashes are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from offers.clock import utc_now
from offers.models.app_keys import AppKey, AppKeyInput, AppKeyList, AppKeyRecord, NewAppKey
from offers.store import keys
from offers.store.app_keys import AppKeyStore

_store = AppKeyStore()
MAX_CREDENTIAL_LENGTH = 256


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_app_key(tenant_id: str, data: AppKeyInput) -> NewAppKey:
    app_id = f"{tenant_id}{keys.APP_KEY_SEPARATOR}{secrets.token_hex(12)}"
    token = secrets.token_urlsafe(32)
    record = AppKeyRecord(app_id=app_id, name=data.name, token_hash=_token_hash(token), created_at=utc_now())
    _store.create(tenant_id, record)
    return NewAppKey(**AppKey.of(record).model_dump(), app_token=token)


def list_app_keys(tenant_id: str) -> AppKeyList:
    return AppKeyList(data=[AppKey.of(record) for record in _store.list(tenant_id)])


def revoke_app_key(tenant_id: str, app_id: str) -> None:
    _store.delete(tenant_id, app_id)


def tenant_of(app_id: str, app_token: str) -> str | None:
    """The tenant whose live key this pair is, else None (unknown, revoked or wrong token)."""
    if not app_id or not app_token or max(len(app_id), len(app_token)) > MAX_CREDENTIAL_LENGTH:
        return None
    tenant_id = keys.app_key_tenant(app_id)
    if tenant_id is None:
        return None
    record = _store.get(tenant_id, app_id)
    presented = _token_hash(app_token)
    stored = record.token_hash if record else _token_hash(secrets.token_urlsafe(32))
    matches = hmac.compare_digest(presented, stored)  # same work whether or not the key exists
    return tenant_id if record is not None and matches else None
