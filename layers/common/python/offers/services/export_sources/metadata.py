"""``metadata`` as one column per key: settled once, when the export is planned.

The keys come from the tenant's key set for the exported object (store/metadata_keys.py, kept
by the writes that store metadata), read with one BatchGet; no pass over the exported rows.
"""

from __future__ import annotations

from offers.services.export_sources.base import ExportSpec
from offers.services.voucherify_fields import expand_metadata
from offers.store.metadata_keys import MetadataKeyStore


class MetadataColumns:
    """A Voucherify source's ``settle``: the bare ``metadata`` field becomes its key columns."""

    metadata_object: str = ""

    def settle(self, tenant_id: str, spec: ExportSpec) -> ExportSpec:
        if not spec.columns or "metadata" not in spec.columns:
            return spec
        found = MetadataKeyStore().found(tenant_id, self.metadata_object)
        return spec.model_copy(update={"columns": expand_metadata(spec.columns, found)})
