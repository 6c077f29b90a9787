"""Identifiers: 24 lowercase hex characters, the shape fabric uses for every object id.

Six bytes of milliseconds since the epoch, then six random bytes. Ids therefore sort by
creation time (to the millisecond), which gives time-ordered listings for free, and ids
made in the same millisecond differ unpredictably.
"""

from __future__ import annotations

import re
import secrets
import time

ID_PATTERN = r"^[0-9a-f]{24}$"
_ID_RE = re.compile(ID_PATTERN)


def new_id() -> str:
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(6)}"


def is_id(value: str) -> bool:
    return bool(_ID_RE.match(value))
