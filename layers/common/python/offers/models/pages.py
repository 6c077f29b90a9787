"""List responses."""

from __future__ import annotations

from pydantic import SerializeAsAny

from offers.models.base import ApiModel


class CursorQuery(ApiModel):
    size: int
    start_cursor: str | None = None
    next_cursor: str | None = None


class CursorPage(ApiModel):
    """``{query: {size, startCursor, nextCursor}, data: [...]}``; no nextCursor on the last page."""

    query: CursorQuery
    data: list[SerializeAsAny[ApiModel]]
