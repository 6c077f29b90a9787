"""Voucherify's ``exported_object: voucher`` with gift cards and loyalty cards among the coupon
codes: a card is a voucher too (GIFT_VOUCHER / LOYALTY_CARD, with ``gift_balance`` /
``loyalty_balance``).

Cards sit in the same index as codes (GSI3, sorted ``<createdAt>#<code>``), in shards of their
own, so the tenant-wide export merges both by creation; one card program (``camp_...``) reads
that program's card partition (GSI1); one code reads its code shard and its card shard. A filter
on a coupon or a customer reads only codes (cards have neither).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from offers.services.export_sources.base import ExportSpec, IndexChoice, Item
from offers.services.export_sources.voucherify_vouchers import VoucherifyVoucherSource
from offers.services.voucherify_fields.card_vouchers import card_voucher_row_maker
from offers.store import keys
from offers.store.cards import CARD_ENTITY

CARD_PROGRAM_PREFIX = "camp_"


class VoucherifyVoucherAndCardSource(VoucherifyVoucherSource):
    def read_plan(self, tenant_id: str, spec: ExportSpec) -> IndexChoice:
        campaign_id, code = spec.equal.get("promotionId"), spec.equal.get("code")
        if campaign_id and campaign_id.startswith(CARD_PROGRAM_PREFIX):
            return keys.GSI1, [keys.campaign_cards_partition(tenant_id, campaign_id)], "promotionId"
        index, partitions, applied = super().read_plan(tenant_id, spec)
        if index != keys.GSI3:  # one coupon's or one customer's codes
            return index, partitions, applied
        if code:
            return (
                index,
                [*partitions, keys.tenant_cards_partition(tenant_id, keys.card_shard(code))],
                applied,
            )
        cards = [keys.tenant_cards_partition(tenant_id, shard) for shard in range(keys.CARD_SHARDS)]
        return index, [*partitions, *cards], applied

    def row_maker(self, tenant_id: str, spec: ExportSpec) -> Callable[[Item], list[Any]]:
        code_row = super().row_maker(tenant_id, spec)
        card_row = card_voucher_row_maker(spec.columns or self.columns)
        return lambda item: card_row(item) if item.get("entity") == CARD_ENTITY else code_row(item)
