"""Looking straight into moto's table, for tests that must check stored state at a scale where
reading it back through the API (or a GSI, which moto scans and sorts per page) is too slow."""

from __future__ import annotations

from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from offers.settings import get_settings
from offers.store.codec import from_item


def stored_items(pk_prefix: str) -> list[dict]:
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].get_table(get_settings().table_name)
    return [
        from_item(item.to_json()["Attributes"])
        for item in table.all_items()
        if item.hash_key.value.startswith(pk_prefix)
    ]
