"""Serving presigned S3 download URLs on the local server, checked as S3 checks them.

Locally, export download URLs are signed for the local server's own address, so `curl`
against it works. Before handing out the object, the URL's SigV4 query signature and its
expiry are verified exactly as S3 does (canonical request, string to sign, derived key), so
an edited or expired link is refused with 403 here too.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote

import boto3

MAX_EXPIRES_SECONDS = 604800


def is_presigned(query: str) -> bool:
    return "X-Amz-Signature=" in query


def _quote(value: str) -> str:
    return quote(value, safe="-_.~")


def _secret_of(access_key: str) -> str:
    """The local secret for the access key that signed (moto's mock swaps in its own pair)."""
    credentials = boto3.Session().get_credentials()
    if credentials is None or credentials.access_key != access_key:
        return ""  # an unknown key: the signature can't match
    return credentials.secret_key


def _key(secret: str, date: str, region: str, service: str) -> bytes:
    signing = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        signing = hmac.new(signing, part.encode(), hashlib.sha256).digest()
    return signing


def verify(method: str, path: str, query: str, host: str, *, now: datetime | None = None) -> str | None:
    """None when the URL is valid now; otherwise why not."""
    params = parse_qsl(query, keep_blank_values=True)
    values = dict(params)
    required = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Signature")
    if any(name not in values for name in required) or values["X-Amz-Algorithm"] != "AWS4-HMAC-SHA256":
        return "not a SigV4 presigned URL"
    try:
        signed_at = datetime.strptime(values["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return "X-Amz-Date must be in the format YYYYMMDD'T'HHMMSS'Z'"
    expires = values["X-Amz-Expires"]
    # S3 takes 1 to 604800 seconds (7 days), as digits only.
    if not (expires.isascii() and expires.isdigit()) or not 1 <= int(expires) <= MAX_EXPIRES_SECONDS:
        return f"X-Amz-Expires must be a number of seconds from 1 to {MAX_EXPIRES_SECONDS}"
    if (now or datetime.now(UTC)) - signed_at > timedelta(seconds=int(expires)):  # no overflow near 9999
        return "Request has expired"
    credential = values["X-Amz-Credential"].split("/")
    if len(credential) != 5:
        return "X-Amz-Credential is malformed"
    _, date, region, service, _ = credential
    signed_headers = values.get("X-Amz-SignedHeaders", "host")
    if signed_headers != "host":
        return "only host may be signed"
    canonical_query = "&".join(
        f"{_quote(k)}={_quote(v)}" for k, v in sorted(params) if k != "X-Amz-Signature"
    )
    canonical_request = "\n".join(
        [method, quote(path, safe="/-_.~"), canonical_query, f"host:{host}", "", "host", "UNSIGNED-PAYLOAD"]
    )
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            values["X-Amz-Date"],
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = _key(_secret_of(values["X-Amz-Credential"].split("/")[0]), date, region, service)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), values["X-Amz-Signature"].encode()):
        return "The request signature we calculated does not match the signature you provided"
    return None
