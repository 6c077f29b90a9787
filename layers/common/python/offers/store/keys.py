"""Every DynamoDB key format of the service, and nothing else.

Rules that keep tenants apart by construction:
* every partition key starts with ``T#<tenant>#``;
* values that come from clients (codes, order ids, user ids) are escaped with ``part`` so
  they can never contain the ``#`` separator and so never reach into another key space.

The access patterns these keys serve are listed in docs/data-model.md.
"""

from __future__ import annotations

from typing import Any

Key = dict[str, Any]

PK = "pk"
SK = "sk"
TTL_ATTRIBUTE = "expiresAt"


def part(value: str) -> str:
    """Escape a client-supplied value for use inside a key."""
    return value.replace("%", "%25").replace("#", "%23")


def tenant_prefix(tenant_id: str) -> str:
    return f"T#{part(tenant_id)}#"


# -- promotions -------------------------------------------------------------------------------
# All of a tenant's promotions form one item collection, sorted by id (ids are time-ordered).


def promotions_partition(tenant_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}PROMO"


PROMOTION_SK_PREFIX = "PROMO#"


def promotion_key(tenant_id: str, promotion_id: str) -> Key:
    return {PK: promotions_partition(tenant_id), SK: f"{PROMOTION_SK_PREFIX}{promotion_id}"}


def promo_id_counter_key(tenant_id: str) -> Key:
    """The per-tenant sequence behind the numeric ``promoId``."""
    return {PK: f"{tenant_prefix(tenant_id)}COUNTER", SK: "PROMO_ID"}
