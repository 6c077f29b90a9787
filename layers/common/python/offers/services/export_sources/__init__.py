"""What an export exports: a source knows its filters, columns, how to split itself into
segments and how to read a segment's rows. The export engine and the state machine know
none of this, nor which dialect asked.

A new source is one module here and one line in ``_SOURCES``; the key is stored as the
export's ``type``. A source's module is imported when an export of its type is first made or
run, so a handler pays only for the sources it uses (the pricing engine behind
CALCULATED_PRICE, say, stays out of every other export's cold start).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from offers.errors import InvalidInput
from offers.models.exports import ExportType
from offers.services.export_sources.base import (
    V1_CUSTOMER,
    V1_POINTS_EXPIRATION,
    V1_PUBLICATION,
    V1_REDEMPTION,
    V1_VOUCHER,
    V1_VOUCHER_TRANSACTIONS,
    ExportSource,
    ExportSpec,
    Segment,
)

# export type -> (module in this package, source class)
_SOURCES: dict[str, tuple[str, str]] = {
    ExportType.REDEMPTION: ("redemptions", "RedemptionSource"),
    ExportType.CALCULATED_PRICE: ("calculated_prices", "CalculatedPriceSource"),
    V1_REDEMPTION: ("voucherify_redemptions", "VoucherifyRedemptionSource"),
    V1_VOUCHER: ("voucherify_vouchers_with_cards", "VoucherifyVoucherAndCardSource"),
    V1_CUSTOMER: ("voucherify_customers", "VoucherifyCustomerSource"),
    V1_PUBLICATION: ("voucherify_publications", "VoucherifyPublicationSource"),
    V1_VOUCHER_TRANSACTIONS: ("voucherify_transactions", "VoucherifyTransactionSource"),
    V1_POINTS_EXPIRATION: ("voucherify_points_expiration", "VoucherifyPointsExpirationSource"),
}
_loaded: dict[str, ExportSource] = {}

# Names other modules take from the package, served from the source module that holds them.
_LAZY_NAMES = {"REDEMPTION_COLUMNS": "redemptions", "redemption_row": "redemptions"}


def source_for(export_type: str) -> ExportSource:
    name = str(export_type)
    source = _loaded.get(name)
    if source is None:
        entry = _SOURCES.get(name)
        if entry is None:
            raise InvalidInput.for_field(
                "type",
                f"exports of type {export_type} are not supported yet",
                code="EXPORT_TYPE_NOT_SUPPORTED",
            )
        module, class_name = entry
        source = _loaded[name] = getattr(import_module(f"{__name__}.{module}"), class_name)()
    return source


def __getattr__(name: str) -> Any:
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)


__all__ = [
    "V1_CUSTOMER",
    "V1_POINTS_EXPIRATION",
    "V1_PUBLICATION",
    "V1_REDEMPTION",
    "V1_VOUCHER",
    "V1_VOUCHER_TRANSACTIONS",
    "ExportSource",
    "ExportSpec",
    "Segment",
    "source_for",
]
