"""Development-only token issuer for the local server and tests.

The RSA signing key is created on first use in ``.local/`` (git-ignored) and shared by the
running local server and ``make token``, so a token minted by either is accepted by the
other. Production tokens come from the real issuer configured in template.yaml.
"""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from local.template import ROOT

KEY_PATH = ROOT / ".local" / "jwt-signing-key.pem"
ISSUER = "https://offers.local/issuer"
AUDIENCE = "offers-api"
TENANT_CLAIM = "tenant_id"
KEY_ID = "offers-local-1"
DEMO_TENANT_ID = "000000000000000000000001"
TOKEN_LIFETIME_SECONDS = 12 * 3600


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _int_b64(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def generate_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def load_or_create_key(path: Path = KEY_PATH) -> rsa.RSAPrivateKey:
    """The shared dev key; created atomically so two processes starting together agree."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        pem = generate_key().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process won the race; use its key
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    for _ in range(50):
        data = path.read_bytes()
        if data.strip().endswith(b"-----END PRIVATE KEY-----"):
            return serialization.load_pem_private_key(data, password=None)  # type: ignore[return-value]
        time.sleep(0.02)  # the winner is still writing
    raise RuntimeError(f"{path} is not a PEM private key")


def jwks(key: rsa.RSAPrivateKey, kid: str = KEY_ID) -> dict[str, Any]:
    numbers = key.public_key().public_numbers()
    return {
        "keys": [
            {
                "kty": "RSA",
                "use": "sig",
                "alg": "RS256",
                "kid": kid,
                "n": _int_b64(numbers.n),
                "e": _int_b64(numbers.e),
            }
        ]
    }


def mint_token(
    key: rsa.RSAPrivateKey,
    *,
    tenant_id: str,
    subject: str = "local-developer",
    issuer: str = ISSUER,
    audience: str | list[str] = AUDIENCE,
    lifetime: int = TOKEN_LIFETIME_SECONDS,
    kid: str = KEY_ID,
    algorithm: str = "RS256",
    extra_claims: dict[str, Any] | None = None,
) -> str:
    now = int(time.time())
    header = {"alg": algorithm, "typ": "JWT", "kid": kid}
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        TENANT_CLAIM: tenant_id,
        "iat": now,
        "exp": now + lifetime,
        "scope": "offers:read offers:write",
        **(extra_claims or {}),
    }
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    hash_algorithm = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}[algorithm]
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hash_algorithm)
    return f"{signing_input}.{_b64(signature)}"


def authorizer_environment(key: rsa.RSAPrivateKey) -> dict[str, str]:
    """The authorizer settings under which tokens from this module verify."""
    return {
        "JWT_ISSUER": ISSUER,
        "JWT_AUDIENCE": AUDIENCE,
        "TENANT_CLAIM": TENANT_CLAIM,
        "JWKS_JSON": json.dumps(jwks(key)),
    }


def main() -> None:
    """``python -m local.devtokens [TENANT]``: print a token for TENANT (last line)."""
    import sys  # noqa: PLC0415

    tenant_id = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else DEMO_TENANT_ID
    if len(tenant_id) != 24:
        raise SystemExit(f"TENANT must be exactly 24 characters, got {len(tenant_id)}")
    print(f"# token for tenant {tenant_id}, valid {TOKEN_LIFETIME_SECONDS // 3600} h", file=sys.stderr)
    print(mint_token(load_or_create_key(), tenant_id=tenant_id))


if __name__ == "__main__":
    main()
