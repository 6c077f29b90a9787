"""The HTTP API Lambda authorizer's logic (payload 2.0, simple responses).

No or bad token: raise ``Unauthorized``; API Gateway answers 401 to an authorizer error whose
message is exactly "Unauthorized". Good token: allow, and hand the principal's tenant to the
functions in ``requestContext.authorizer.lambda``. Whether that tenant matches the tenant
header is the function's check (the authorizer's result is cached per token, not per header).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from offers.auth.tokens import InvalidToken, RemoteKeys, StaticKeys, TokenVerifier
from offers.observability import logger
from offers.settings import get_settings


class Unauthorized(Exception):
    def __init__(self) -> None:
        super().__init__("Unauthorized")


@lru_cache(maxsize=1)
def token_verifier() -> TokenVerifier:
    settings = get_settings()
    keys = StaticKeys(json.loads(settings.jwks_json)) if settings.jwks_json else RemoteKeys(settings.jwks_url)
    return TokenVerifier(
        keys=keys,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        tenant_claim=settings.tenant_claim,
        leeway_seconds=settings.jwt_leeway_seconds,
    )


def bearer_token(headers: dict[str, str]) -> str:
    scheme, _, token = (headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized
    return token.strip()


def authorize(event: dict[str, Any]) -> dict[str, Any]:
    token = bearer_token(event.get("headers") or {})
    try:
        principal = token_verifier().verify(token)
    except InvalidToken as error:
        logger.info("token refused", reason=error.reason)
        raise Unauthorized from error
    return {
        "isAuthorized": True,
        "context": {
            "tenantId": principal.tenant_id,
            "subject": principal.subject or "",
            "scope": " ".join(principal.scopes),
        },
    }
