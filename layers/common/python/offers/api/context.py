"""Who is asking, for which tenant: the request context every handler works with.

API Gateway's Lambda authorizer has verified the bearer token and put the principal's
tenant in ``requestContext.authorizer.lambda``; the dialect's header names the tenant the
request is for. They must agree, or the request is refused before any handler runs.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from offers.api.body import parse_json_object
from offers.errors import Forbidden, InvalidInput, MissingTenant, NotAuthenticated

TENANT_ID_LENGTH = 24
_TENANT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{24}$")
_CHANNEL_RE = re.compile(r"^[0-9]{1,10}$")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
DEFAULT_CHANNEL_ID = "12"  # fabric: 12 = US, 13 = Canada

REQUEST_ID_HEADER = "x-fabric-request-id"
IDEMPOTENCY_HEADER = "idempotency-key"
TENANT_HEADER = "x-fabric-tenant-id"
CHANNEL_HEADER = "x-fabric-channel-id"
SITE_CONTEXT_HEADER = "x-site-context"


@dataclass(frozen=True)
class RequestContext:
    tenant_id: str
    channel_id: str
    request_id: str
    subject: str | None = None
    idempotency_key: str | None = None  # Idempotency-Key, else a request id the client sent


def request_id_from(headers: Mapping[str, str]) -> str:
    """The client's request id if it sent a usable one, else a fresh one (always echoed back)."""
    sent = headers.get(REQUEST_ID_HEADER)
    if sent and _REQUEST_ID_RE.match(sent):
        return sent
    return str(uuid.uuid4())


def idempotency_key_from(headers: Mapping[str, str]) -> str | None:
    """Idempotency-Key if sent (400 if unusable), else the client's own usable request id."""
    key = headers.get(IDEMPOTENCY_HEADER)
    if key is not None:
        if not _REQUEST_ID_RE.match(key):
            raise InvalidInput.for_field(IDEMPOTENCY_HEADER, "must be 1-128 letters, digits or ._:-")
        return key
    sent = headers.get(REQUEST_ID_HEADER)
    return sent if sent and _REQUEST_ID_RE.match(sent) else None


def _principal(event: Mapping[str, Any]) -> dict[str, Any]:
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    principal = authorizer.get("lambda") or {}
    if not principal.get("tenantId"):
        raise NotAuthenticated("the request carries no authenticated principal")
    return principal


def _checked_tenant(tenant_id: str, field: str, principal: Mapping[str, Any]) -> str:
    if len(tenant_id) != TENANT_ID_LENGTH:
        raise InvalidInput.for_field(field, f"must be exactly {TENANT_ID_LENGTH} characters")
    if not _TENANT_ID_RE.match(tenant_id):
        raise InvalidInput.for_field(field, "may contain only letters, digits, '-' and '_'")
    if principal["tenantId"] != tenant_id:
        raise Forbidden(f"the token is not valid for tenant {tenant_id}")
    return tenant_id


def fabric_context(event: Mapping[str, Any], request_id: str) -> RequestContext:
    """fabric v3: ``x-fabric-tenant-id`` (required, 24 chars) and ``x-fabric-channel-id`` (default 12)."""
    headers = event.get("headers") or {}
    tenant_id = headers.get(TENANT_HEADER)
    if not tenant_id:
        raise MissingTenant(f"the {TENANT_HEADER} header is required")
    principal = _principal(event)
    channel_id = headers.get(CHANNEL_HEADER) or DEFAULT_CHANNEL_ID
    if not _CHANNEL_RE.match(channel_id):
        raise InvalidInput.for_field(CHANNEL_HEADER, "must be a numeric channel id")
    return RequestContext(
        tenant_id=_checked_tenant(tenant_id, TENANT_HEADER, principal),
        channel_id=channel_id,
        request_id=request_id,
        subject=principal.get("subject"),
        idempotency_key=idempotency_key_from(headers),
    )


def site_context(event: Mapping[str, Any], request_id: str) -> RequestContext:
    """fabric v2: ``x-site-context: {"account": "<24 chars>", "channel": 12, ...}``."""
    headers = event.get("headers") or {}
    raw = headers.get(SITE_CONTEXT_HEADER)
    if not raw:
        raise MissingTenant(f"the {SITE_CONTEXT_HEADER} header is required")
    site = parse_json_object(raw, SITE_CONTEXT_HEADER)
    account = site.get("account")
    if not isinstance(account, str) or not account:
        raise InvalidInput.for_field(f"{SITE_CONTEXT_HEADER}.account", "is required")
    principal = _principal(event)
    channel = site.get("channel", DEFAULT_CHANNEL_ID)
    if isinstance(channel, bool) or not _CHANNEL_RE.match(str(channel)):
        raise InvalidInput.for_field(f"{SITE_CONTEXT_HEADER}.channel", "must be a numeric channel id")
    return RequestContext(
        tenant_id=_checked_tenant(account, f"{SITE_CONTEXT_HEADER}.account", principal),
        channel_id=str(channel),
        request_id=request_id,
        subject=principal.get("subject"),
    )
