"""The Voucherify dialect's exported objects over our data, one module per object."""

from offers.services.voucherify_fields.common import (
    customer_id,
    customer_source_id,
    expand_metadata,
    metadata_of,
)
from offers.services.voucherify_fields.customers import (
    CUSTOMER_DEFAULT_FIELDS,
    CUSTOMER_FIELDS,
    customer_row_maker,
)
from offers.services.voucherify_fields.publications import (
    PUBLICATION_DEFAULT_FIELDS,
    PUBLICATION_FIELDS,
    publication_row_maker,
)
from offers.services.voucherify_fields.redemptions import (
    REDEMPTION_DEFAULT_FIELDS,
    REDEMPTION_FIELDS,
    ROLLED_BACK,
    redemption_row_maker,
)
from offers.services.voucherify_fields.vouchers import (
    VOUCHER_DEFAULT_FIELDS,
    VOUCHER_FIELDS,
    voucher_id,
    voucher_row_maker,
)

__all__ = [
    "CUSTOMER_DEFAULT_FIELDS",
    "CUSTOMER_FIELDS",
    "PUBLICATION_DEFAULT_FIELDS",
    "PUBLICATION_FIELDS",
    "REDEMPTION_DEFAULT_FIELDS",
    "REDEMPTION_FIELDS",
    "ROLLED_BACK",
    "VOUCHER_DEFAULT_FIELDS",
    "VOUCHER_FIELDS",
    "customer_id",
    "customer_row_maker",
    "customer_source_id",
    "expand_metadata",
    "metadata_of",
    "publication_row_maker",
    "redemption_row_maker",
    "voucher_id",
    "voucher_row_maker",
]
