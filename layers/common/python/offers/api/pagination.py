"""Cursor paging for list endpoints: decode the client's cursor, fetch, encode the next one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from offers.api.cursors import maybe_decode, maybe_encode, query_fingerprint
from offers.models.pages import CursorPage, CursorQuery
from offers.store.table import Page


def cursor_page(
    tenant_id: str,
    query_name: str,
    size: int,
    start_cursor: str | None,
    fetch: Callable[..., Page],
    *filters: Any,
) -> CursorPage:
    """``fetch(tenant_id, size=, start_key=)``; ``filters`` bind the cursor to this exact query."""
    query = query_fingerprint(query_name, *filters)
    start_key = maybe_decode(start_cursor, tenant_id=tenant_id, query=query)
    page = fetch(tenant_id, size=size, start_key=start_key)
    return CursorPage(
        query=CursorQuery(
            size=size,
            start_cursor=start_cursor,
            next_cursor=maybe_encode(page.last_key, tenant_id=tenant_id, query=query),
        ),
        data=page.items,
    )
