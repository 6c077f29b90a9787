"""Capture what the functions log, formatted exactly as in Lambda (Powertools JSON lines)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from offers.observability import logger


@contextmanager
def captured_function_logs() -> Iterator[Callable[[], list[str]]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        yield lambda: [line for line in stream.getvalue().splitlines() if line.strip()]
    finally:
        logger.removeHandler(handler)
