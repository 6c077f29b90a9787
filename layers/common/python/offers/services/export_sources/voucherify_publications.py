"""Voucherify's ``exported_object: publication``: every assignment of a code to a customer,
from the publications' creation index."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from offers.services.export_sources.base import (
    DialectSpecSource,
    ExportSpec,
    IndexChoice,
    Item,
)
from offers.services.export_sources.metadata import MetadataColumns
from offers.services.voucherify_fields import PUBLICATION_DEFAULT_FIELDS, publication_row_maker
from offers.store.metadata_keys import PUBLICATION
from offers.store.publications import publication_index


class VoucherifyPublicationSource(MetadataColumns, DialectSpecSource):
    metadata_object = PUBLICATION
    columns = PUBLICATION_DEFAULT_FIELDS
    time_attribute = "createdAt"

    def read_plan(self, tenant_id: str, spec: ExportSpec) -> IndexChoice:
        index, partition, applied = publication_index(tenant_id, spec.equal)
        return index, [partition], applied

    def row_maker(self, tenant_id: str, spec: ExportSpec) -> Callable[[Item], list[Any]]:
        return publication_row_maker(spec.columns or self.columns)
