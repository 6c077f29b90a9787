"""JWT verification against tokens signed by an independent implementation (cryptography)."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from local import devtokens
from offers.auth.tokens import InvalidToken, KeysUnavailable, RemoteKeys, StaticKeys, TokenVerifier

TENANT = "aaaaaaaaaaaaaaaaaaaaaaaa"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return devtokens.generate_key()


def verifier_for(key: rsa.RSAPrivateKey, **overrides) -> TokenVerifier:
    options = {
        "keys": StaticKeys(devtokens.jwks(key)),
        "issuer": devtokens.ISSUER,
        "audience": devtokens.AUDIENCE,
        "tenant_claim": devtokens.TENANT_CLAIM,
        "leeway_seconds": 30,
    }
    options.update(overrides)
    return TokenVerifier(**options)


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_given_a_valid_token_when_verified_then_principal_has_tenant_subject_and_scopes(key, algorithm):
    token = devtokens.mint_token(key, tenant_id=TENANT, subject="user-1", algorithm=algorithm)
    principal = verifier_for(key).verify(token)
    assert principal.tenant_id == TENANT
    assert principal.subject == "user-1"
    assert principal.scopes == ("offers:read", "offers:write")


def test_given_an_audience_list_containing_ours_when_verified_then_accepted(key):
    token = devtokens.mint_token(key, tenant_id=TENANT, audience=["other", devtokens.AUDIENCE])
    assert verifier_for(key).verify(token).tenant_id == TENANT


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"issuer": "https://elsewhere"}, "wrong issuer"),
        ({"audience": "other-api"}, "wrong audience"),
        ({"lifetime": -120}, "token has expired"),
        ({"extra_claims": {"nbf": int(time.time()) + 600}}, "token is not valid yet"),
        ({"extra_claims": {"tenant_id": "short"}}, "tenant"),
        ({"extra_claims": {"tenant_id": None}}, "tenant"),
        ({"extra_claims": {"exp": None}}, "exp is required"),
        ({"kid": "unknown-kid"}, "no key"),
    ],
)
def test_given_a_token_with_bad_claims_when_verified_then_refused_with_the_reason(key, claims, reason):
    token = devtokens.mint_token(key, tenant_id=TENANT, **claims)
    with pytest.raises(InvalidToken, match=reason):
        verifier_for(key).verify(token)


def test_given_an_expiry_within_the_leeway_when_verified_then_accepted(key):
    token = devtokens.mint_token(key, tenant_id=TENANT, lifetime=-10)
    assert verifier_for(key, leeway_seconds=30).verify(token).tenant_id == TENANT


def test_given_a_token_signed_by_another_key_when_verified_then_bad_signature(key):
    token = devtokens.mint_token(devtokens.generate_key(), tenant_id=TENANT)
    with pytest.raises(InvalidToken, match="bad signature"):
        verifier_for(key).verify(token)


def test_given_a_payload_edited_after_signing_when_verified_then_bad_signature(key):
    header, _, signature = devtokens.mint_token(key, tenant_id=TENANT).split(".")
    forged_claims = {
        "iss": devtokens.ISSUER,
        "aud": devtokens.AUDIENCE,
        "tenant_id": "bbbbbbbbbbbbbbbbbbbbbbbb",
        "exp": int(time.time()) + 600,
    }
    with pytest.raises(InvalidToken, match="bad signature"):
        verifier_for(key).verify(f"{header}.{b64(forged_claims)}.{signature}")


@pytest.mark.parametrize("algorithm", ["none", "HS256", "ES256", None, ["RS256"], {"RS256": 1}, 256])
def test_given_an_algorithm_we_do_not_accept_when_verified_then_refused(key, algorithm):
    _, claims, signature = devtokens.mint_token(key, tenant_id=TENANT).split(".")
    header = b64({"alg": algorithm, "kid": devtokens.KEY_ID})
    with pytest.raises(InvalidToken, match="not accepted"):
        verifier_for(key).verify(f"{header}.{claims}.{signature}")


MALFORMED_TOKENS = [
    "",
    "a.b",
    "a.b.c.d",
    "!!!.e30.e30",
    "e30.bm90IGpzb24.e30",
    "W10.e30.e30",
    "eyJhbGciOlsiUlMyNTYiXX0.e30.AAAA",  # header {"alg": ["RS256"]}
    f"{b64({'alg': {'RS256': 1}})}.e30.AAAA",
    f"{b64({'alg': 'RS256', 'kid': ['x']})}.e30.AAAA",
    f"{b64({'alg': 'RS256', 'kid': {'x': 1}})}.{b64({'exp': [1]})}.AAAA",
    "é.e30.e30",
    "_w.e30.e30",  # not UTF-8 once decoded
    f"{b64({'alg': 'RS256'})}.{'A' * 5000}.AAAA",
    "..",
]


@pytest.mark.parametrize("token", MALFORMED_TOKENS)
def test_given_a_malformed_token_when_verified_then_invalid(key, token):
    with pytest.raises(InvalidToken):
        verifier_for(key).verify(token)


def test_given_a_jwks_with_a_weak_key_when_parsed_then_the_key_is_ignored():
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    token = devtokens.mint_token(weak, tenant_id=TENANT)
    with pytest.raises(InvalidToken, match="no key"):
        verifier_for(weak).verify(token)


class _JwksServer:
    """Serves a JWKS on loopback and counts fetches."""

    def __init__(self, document: dict):
        self.document = document
        self.fetches = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.fetches += 1
                body = json.dumps(outer.document).encode()
                self.send_response(200)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/.well-known/jwks.json"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def jwks_server(key) -> Iterator[_JwksServer]:
    server = _JwksServer(devtokens.jwks(key))
    yield server
    server.server.shutdown()


def test_given_a_jwks_url_when_verifying_twice_then_keys_are_fetched_once(key, jwks_server):
    verifier = verifier_for(key, keys=RemoteKeys(jwks_server.url))
    token = devtokens.mint_token(key, tenant_id=TENANT)
    verifier.verify(token)
    verifier.verify(token)
    assert jwks_server.fetches == 1


def test_given_a_rotated_key_when_an_unknown_kid_arrives_then_the_jwks_is_refetched(key, jwks_server):
    verifier = verifier_for(key, keys=RemoteKeys(jwks_server.url, min_refresh=0))
    verifier.verify(devtokens.mint_token(key, tenant_id=TENANT))
    new_key = devtokens.generate_key()
    jwks_server.document = devtokens.jwks(new_key, kid="rotated")
    principal = verifier.verify(devtokens.mint_token(new_key, tenant_id=TENANT, kid="rotated"))
    assert principal.tenant_id == TENANT
    assert jwks_server.fetches == 2


def test_given_an_unreachable_jwks_url_when_verifying_then_keys_unavailable_not_invalid_token(key):
    verifier = verifier_for(key, keys=RemoteKeys("http://127.0.0.1:9/jwks.json", timeout=0.5))
    with pytest.raises(KeysUnavailable):
        verifier.verify(devtokens.mint_token(key, tenant_id=TENANT))
