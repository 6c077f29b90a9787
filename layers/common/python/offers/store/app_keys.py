"""App key records in DynamoDB (one item per key in the tenant's app-key partition)."""

from __future__ import annotations

from offers.errors import NotFound
from offers.models.app_keys import AppKeyRecord
from offers.store import keys
from offers.store.table import ConditionFailed, Table

ENTITY = "APP_KEY"
MAX_KEYS_LISTED = 1000


class AppKeyNotFound(NotFound):
    def __init__(self, app_id: str):
        super().__init__(f"app key {app_id} not found")


class AppKeyStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    def create(self, tenant_id: str, record: AppKeyRecord) -> None:
        body = record.model_dump(mode="json", by_alias=True, exclude_none=True)
        item = {**keys.app_key_key(tenant_id, record.app_id), "entity": ENTITY, **body}
        self.table.put(item, condition="attribute_not_exists(pk)")

    def get(self, tenant_id: str, app_id: str) -> AppKeyRecord | None:
        item = self.table.get(keys.app_key_key(tenant_id, app_id), consistent=True)
        return AppKeyRecord.model_validate(item) if item else None

    def list(self, tenant_id: str) -> list[AppKeyRecord]:
        items = self.table.query_all(
            keys.app_keys_partition(tenant_id),
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.APP_KEY_SK_PREFIX},
        )
        found = []
        for item in items:
            found.append(AppKeyRecord.model_validate(item))
            if len(found) == MAX_KEYS_LISTED:
                break
        return found

    def delete(self, tenant_id: str, app_id: str) -> None:
        try:
            self.table.delete(keys.app_key_key(tenant_id, app_id), condition="attribute_exists(pk)")
        except ConditionFailed as error:
            raise AppKeyNotFound(app_id) from error
