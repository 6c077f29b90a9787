"""JWT verification: RS256/384/512 signatures against a JWKS, then issuer, audience and time.

Signature check follows RFC 8017 section 8.2.2 (RSASSA-PKCS1-v1_5-VERIFY): the expected
encoded message is rebuilt from the digest and compared in constant time with the one
recovered from the signature; nothing is parsed out of the padding. Verification needs only
``pow`` and ``hashlib``, which keeps a crypto library's import out of the authorizer's cold
start. Tests check it against tokens signed by the ``cryptography`` package.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# DER prefix of DigestInfo for each hash (RFC 8017 section 9.2, note 1).
_DIGEST_INFO = {
    "RS256": (hashlib.sha256, bytes.fromhex("3031300d060960864801650304020105000420")),
    "RS384": (hashlib.sha384, bytes.fromhex("3041300d060960864801650304020205000430")),
    "RS512": (hashlib.sha512, bytes.fromhex("3051300d060960864801650304020305000440")),
}
MIN_RSA_BITS = 2048
_TENANT_RE = re.compile(r"^[A-Za-z0-9_-]{24}$")


class InvalidToken(Exception):
    """The token must be refused; ``reason`` is for logs, never for the client."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class KeysUnavailable(Exception):
    """The key set could not be fetched: an outage, not a bad token."""


@dataclass(frozen=True)
class RsaPublicKey:
    n: int
    e: int

    @property
    def size_bytes(self) -> int:
        return (self.n.bit_length() + 7) // 8


@dataclass(frozen=True)
class Principal:
    tenant_id: str
    subject: str | None
    scopes: tuple[str, ...]


def _b64decode(segment: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", segment):
        raise InvalidToken("segment is not base64url")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidToken("segment is not base64url") from error


def _b64int(segment: str) -> int:
    return int.from_bytes(_b64decode(segment), "big")


def _json_segment(segment: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64decode(segment))
    except ValueError as error:
        raise InvalidToken("segment is not JSON") from error
    if not isinstance(value, dict):
        raise InvalidToken("segment is not a JSON object")
    return value


def rsa_pkcs1_verify(key: RsaPublicKey, algorithm: str, message: bytes, signature: bytes) -> bool:
    hash_factory, digest_info = _DIGEST_INFO[algorithm]
    k = key.size_bytes
    if len(signature) != k:
        return False
    s = int.from_bytes(signature, "big")
    if s >= key.n:
        return False
    recovered = pow(s, key.e, key.n).to_bytes(k, "big")
    t = digest_info + hash_factory(message).digest()
    if k < len(t) + 11:
        return False
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return hmac.compare_digest(recovered, expected)


def parse_jwks(document: Mapping[str, Any]) -> dict[str, RsaPublicKey]:
    """RSA signing keys of a JWKS by kid ("" for a key without one). Other keys are skipped."""
    keys: dict[str, RsaPublicKey] = {}
    for jwk in document.get("keys", []):
        if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
            continue
        key = RsaPublicKey(n=_b64int(jwk["n"]), e=_b64int(jwk["e"]))
        if key.n.bit_length() < MIN_RSA_BITS:
            continue
        keys[str(jwk.get("kid", ""))] = key
    return keys


class StaticKeys:
    def __init__(self, document: Mapping[str, Any]):
        self._keys = parse_jwks(document)

    def key_for(self, kid: str) -> RsaPublicKey | None:
        return self._keys.get(kid)


class RemoteKeys:
    """A JWKS URL, cached for ``ttl`` seconds; an unknown kid refetches at most every ``min_refresh``."""

    def __init__(self, url: str, *, ttl: float = 600, min_refresh: float = 30, timeout: float = 3):
        self.url = url
        self.ttl = ttl
        self.min_refresh = min_refresh
        self.timeout = timeout
        self._keys: dict[str, RsaPublicKey] = {}
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def key_for(self, kid: str) -> RsaPublicKey | None:
        now = time.monotonic()
        if now - self._fetched_at > self.ttl or (
            kid not in self._keys and now - self._fetched_at > self.min_refresh
        ):
            self._refresh(now)
        return self._keys.get(kid)

    def _refresh(self, now: float) -> None:
        with self._lock:
            try:
                with urllib.request.urlopen(self.url, timeout=self.timeout) as response:
                    document = json.loads(response.read())
            except (OSError, ValueError) as error:
                if not self._keys:
                    raise KeysUnavailable(f"cannot fetch JWKS from {self.url}: {error}") from error
                return  # keep serving the keys we have; try again after min_refresh
            self._keys = parse_jwks(document)
            self._fetched_at = now


class TokenVerifier:
    def __init__(
        self,
        *,
        keys: StaticKeys | RemoteKeys,
        issuer: str,
        audience: str,
        tenant_claim: str,
        leeway_seconds: int = 60,
        clock: Callable[[], float] = time.time,
    ):
        if not issuer or not audience:
            raise ValueError("a token verifier needs an issuer and an audience")
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.tenant_claim = tenant_claim
        self.leeway = leeway_seconds
        self.clock = clock

    def verify(self, token: str) -> Principal:
        parts = token.split(".")
        if len(parts) != 3:
            raise InvalidToken("not a compact JWS")
        header, claims = _json_segment(parts[0]), _json_segment(parts[1])
        self._check_signature(header, f"{parts[0]}.{parts[1]}".encode("ascii"), _b64decode(parts[2]))
        self._check_claims(claims)
        tenant_id = claims.get(self.tenant_claim)
        if not isinstance(tenant_id, str) or not _TENANT_RE.match(tenant_id):
            raise InvalidToken(f"claim {self.tenant_claim!r} is missing or not a tenant id")
        scope = claims.get("scope", "")
        return Principal(
            tenant_id=tenant_id,
            subject=claims.get("sub") if isinstance(claims.get("sub"), str) else None,
            scopes=tuple(scope.split()) if isinstance(scope, str) else (),
        )

    def _check_signature(self, header: Mapping[str, Any], signed: bytes, signature: bytes) -> None:
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm not in _DIGEST_INFO:  # a list isn't even hashable
            raise InvalidToken(f"algorithm {algorithm!r} is not accepted")
        key = self.keys.key_for(str(header.get("kid", "")))
        if key is None:
            raise InvalidToken("no key for the token's kid")
        if not rsa_pkcs1_verify(key, algorithm, signed, signature):
            raise InvalidToken("bad signature")

    def _check_claims(self, claims: Mapping[str, Any]) -> None:
        now = self.clock()
        expires = claims.get("exp")
        if not isinstance(expires, int | float) or isinstance(expires, bool):
            raise InvalidToken("exp is required")
        if now > expires + self.leeway:
            raise InvalidToken("token has expired")
        not_before = claims.get("nbf")
        if isinstance(not_before, int | float) and now + self.leeway < not_before:
            raise InvalidToken("token is not valid yet")
        if claims.get("iss") != self.issuer:
            raise InvalidToken("wrong issuer")
        audience = claims.get("aud")
        audiences = (
            [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
        )
        if self.audience not in audiences:
            raise InvalidToken("wrong audience")
