"""The /v1 routes' Lambda authorizer (payload 2.0, simple responses): Voucherify credentials.

``X-App-Id`` + ``X-App-Token`` resolve to the tenant whose live app key they are. On
``GET /v1/exports/{exportId}?token=...`` (a download) the token alone may open that one export
(curl -L sends no keys); if keys are sent too they must be valid and of the same tenant.

Credentials that resolve to nothing are not denied here: the request goes on with an empty
principal and the function answers Voucherify's own 401 body
(``{"code":401,"key":"unauthorized",...}``) before it routes, since API Gateway's 401 body
can't be shaped. No function reads data without a tenant in its principal.
"""

from __future__ import annotations

from typing import Any

from offers.api.voucherify import DOWNLOAD_SCOPE_PREFIX
from offers.auth.download_tokens import tenant_of_download_token
from offers.services.app_keys import tenant_of

APP_ID_HEADER = "x-app-id"
APP_TOKEN_HEADER = "x-app-token"
_NOBODY = {"tenantId": "", "subject": "", "scope": ""}


def _download_tenant(event: dict[str, Any]) -> tuple[str, str] | None:
    """(tenant, export id) when this is a download carrying a token, else None."""
    method = ((event.get("requestContext") or {}).get("http") or {}).get("method")
    token = (event.get("queryStringParameters") or {}).get("token")
    export_id = (event.get("pathParameters") or {}).get("exportId")
    if method != "GET" or token is None or not export_id:
        return None
    return tenant_of_download_token(token, export_id) or "", export_id


def authorize_app_key(event: dict[str, Any]) -> dict[str, Any]:
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    app_id, app_token = headers.get(APP_ID_HEADER), headers.get(APP_TOKEN_HEADER)
    sent_keys = bool(app_id or app_token)
    key_tenant = tenant_of(app_id or "", app_token or "") if sent_keys else None
    context = dict(_NOBODY)
    download = _download_tenant(event)
    if download is not None:
        token_tenant, export_id = download
        if token_tenant and (not sent_keys or key_tenant == token_tenant):
            context = {
                "tenantId": token_tenant,
                "subject": "download-token",
                "scope": f"{DOWNLOAD_SCOPE_PREFIX}{export_id}",
            }
    elif key_tenant:
        context = {"tenantId": key_tenant, "subject": app_id or "", "scope": "v1"}
    return {"isAuthorized": True, "context": context}
