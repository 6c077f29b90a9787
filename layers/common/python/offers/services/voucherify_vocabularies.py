"""What each Voucherify exported object can be filtered by: its fields over our stored
attributes, their kinds (which decide the operators, services/voucherify_filters.py), and which
index partitions an exact value can pick."""

from __future__ import annotations

from dataclasses import dataclass

from offers.services.voucherify_fields.customers import ADDRESS_FIELDS
from offers.store.customers import TOTALS


@dataclass(frozen=True)
class Vocabulary:
    """One exported object's filters: Voucherify field -> (stored attribute, dotted for a nested
    one, and its kind), the attribute its index is sorted by, the attributes whose exact value
    has a partition, and where its metadata is: a map on the item (filter expressions reach
    ``metadata.X``), or elsewhere (``coupon``: a voucher's is its coupon's, checked on read)."""

    exported_object: str
    fields: dict[str, tuple[str, str]]
    time_attribute: str
    indexed: tuple[str, ...]
    metadata: str = "metadata"


# customer_source_id is the userId, else the email.
REDEMPTION_FILTERS: dict[str, tuple[str, str]] = {
    "created_at": ("redeemedAt", "time"),
    "date": ("redeemedAt", "time"),
    "id": ("id", "string"),
    "voucher_code": ("couponCode", "string"),
    "order_id": ("orderId", "string"),
    "customer_source_id": ("userId", "customer"),
    "result": ("status", "result"),
}
REDEMPTIONS = Vocabulary("redemption", REDEMPTION_FILTERS, "redeemedAt", ("couponCode", "orderId"))
CUSTOMERS = Vocabulary(
    "customer",
    {
        "id": ("id", "string"),
        "source_id": ("sourceId", "string"),
        "name": ("name", "string"),
        "email": ("email", "string"),
        "description": ("description", "string"),
        "phone": ("phone", "string"),
        "birthdate": ("birthdate", "string"),
        "created_at": ("createdAt", "time"),
        "updated_at": ("updatedAt", "time"),
        **{f"address_{n}": (f"address.{n}", "string") for n in ADDRESS_FIELDS},
        **{f"redemptions_total_{n}": (attribute, "number") for n, attribute in TOTALS.items()},
    },
    "createdAt",
    (),
)
PUBLICATIONS = Vocabulary(
    "publication",
    {
        "voucher_code": ("code", "string"),
        "customer_id": ("customerId", "string"),
        "customer_source_id": ("customerSourceId", "string"),
        "campaign": ("campaign", "string"),
        "channel": ("channel", "string"),
        "created_at": ("createdAt", "time"),
        "date": ("createdAt", "time"),
    },
    "createdAt",
    ("code", "customerId"),
)
VOUCHERS = Vocabulary(
    "voucher",
    {
        "code": ("code", "string"),
        "campaign_id": ("promotionId", "string"),
        "customer_source_id": ("userId", "string"),
        "redemption_count": ("uses", "number"),
        "created_at": ("createdAt", "time"),
        "updated_at": ("updatedAt", "time"),
    },
    "createdAt",
    ("promotionId", "userId", "code"),
    metadata="coupon",
)
