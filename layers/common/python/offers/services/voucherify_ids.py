"""The Voucherify dialect's derived ids: stable, computed from our keys, never looked up.

Services that record or answer Voucherify objects (redemptions, customers, publications)
need only these, not the export field tables of ``voucherify_fields`` (cold start).
"""

from __future__ import annotations

import hashlib


def customer_id(tenant_id: str, source_id: str | None) -> str | None:
    """The customer's Voucherify id: derived from (tenant, source_id), so every redemption of
    one customer names the same ``cust_`` id without a lookup."""
    if not source_id:
        return None
    digest = hashlib.sha256(f"{tenant_id}|{source_id}".encode()).hexdigest()
    return f"cust_{digest[:24]}"


def voucher_id(tenant_id: str, code: str) -> str:
    """The voucher's Voucherify id, derived from (tenant, code): stable, no lookup (BLAKE2b:
    one per exported code, so the cheap one)."""
    return "v_" + hashlib.blake2b(f"{tenant_id}|{code}".encode(), digest_size=12).hexdigest()
