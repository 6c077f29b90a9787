"""Identifiers: 24 lowercase hex characters, the shape fabric uses for every object id.

Four bytes of seconds since the epoch, then eight random bytes. Ids therefore sort by creation
second, which gives time-ordered listings for free, and are unguessable within a second.
"""

from __future__ import annotations

import re
import secrets
import time

ID_PATTERN = r"^[0-9a-f]{24}$"
_ID_RE = re.compile(ID_PATTERN)


def new_id() -> str:
    return f"{int(time.time()):08x}{secrets.token_hex(8)}"


def is_id(value: str) -> bool:
    return bool(_ID_RE.match(value))
