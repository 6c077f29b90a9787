"""App keys: the X-App-Id / X-App-Token pairs a tenant makes for the Voucherify dialect."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from offers.models.base import ApiModel, RequestModel, Timestamp


class AppKeyInput(RequestModel):
    """Body of POST /app-keys (optional: a name to tell keys apart)."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None = None


class AppKeyRecord(ApiModel):
    """An app key as stored: only the token's SHA-256, never the token."""

    model_config = {"extra": "ignore"}

    app_id: str
    name: str | None = None
    token_hash: str
    created_at: Timestamp


class AppKey(ApiModel):
    """An app key as listed: no token, not even its hash."""

    app_id: str
    name: str | None = None
    created_at: Timestamp

    @classmethod
    def of(cls, record: AppKeyRecord) -> AppKey:
        return cls(app_id=record.app_id, name=record.name, created_at=record.created_at)


class NewAppKey(AppKey):
    """The answer to POST /app-keys: the only time the token is shown."""

    app_token: str


class AppKeyList(ApiModel):
    data: list[AppKey] = Field(default_factory=list)
