"""What an export exports: a source knows its filters, columns, how to split itself into
segments and how to read a segment's rows. The export engine and the state machine know
none of this, nor which dialect asked.

A new source is one module here and one line in ``SOURCES``; the key is stored as the
export's ``type``.
"""

from __future__ import annotations

from offers.errors import InvalidInput
from offers.models.exports import ExportType
from offers.services.export_sources.base import ExportSource, ExportSpec, Segment
from offers.services.export_sources.calculated_prices import CalculatedPriceSource
from offers.services.export_sources.redemptions import REDEMPTION_COLUMNS, RedemptionSource, redemption_row
from offers.services.export_sources.voucherify_customers import V1_CUSTOMER, VoucherifyCustomerSource
from offers.services.export_sources.voucherify_publications import V1_PUBLICATION, VoucherifyPublicationSource
from offers.services.export_sources.voucherify_redemptions import V1_REDEMPTION, VoucherifyRedemptionSource
from offers.services.export_sources.voucherify_vouchers import V1_VOUCHER, VoucherifyVoucherSource

SOURCES: dict[str, ExportSource] = {
    ExportType.REDEMPTION: RedemptionSource(),
    ExportType.CALCULATED_PRICE: CalculatedPriceSource(),
    V1_REDEMPTION: VoucherifyRedemptionSource(),
    V1_VOUCHER: VoucherifyVoucherSource(),
    V1_CUSTOMER: VoucherifyCustomerSource(),
    V1_PUBLICATION: VoucherifyPublicationSource(),
}


def source_for(export_type: str) -> ExportSource:
    source = SOURCES.get(str(export_type))
    if source is None:
        raise InvalidInput.for_field(
            "type", f"exports of type {export_type} are not supported yet", code="EXPORT_TYPE_NOT_SUPPORTED"
        )
    return source


__all__ = [
    "REDEMPTION_COLUMNS",
    "SOURCES",
    "V1_CUSTOMER",
    "V1_PUBLICATION",
    "V1_REDEMPTION",
    "V1_VOUCHER",
    "ExportSource",
    "ExportSpec",
    "Segment",
    "redemption_row",
    "source_for",
]
