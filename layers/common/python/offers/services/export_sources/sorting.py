"""Exports ordered by a field no index is sorted by (a code, an email, updated_at ...).

Such an export is one segment (a global order can't be cut into time windows), and that
segment sorts externally: rows are read in time order, sorted in runs of ``RUN_ROWS`` and
spilled to temporary files, then the runs are merged while the CSV is written. Memory holds
one run, whatever the export's size. The sort is stable: rows with equal keys (or no value,
which sorts first ascending and last descending) stay in time order. A sorted export is
capped (``MAX_SORTED_ROWS``): planning refuses a larger one, which then ends in ERROR saying
so, rather than run past the task's time limit.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any

RUN_ROWS = 50_000
MAX_SORTED_ROWS = 1_000_000
Row = list[Any]


class SortedExportTooLarge(Exception):
    """Planning estimated more rows than one segment can sort."""

    def __init__(self, estimated: float, order: str):
        super().__init__(
            f"an export ordered by {order} holds at most {MAX_SORTED_ROWS} rows and this one has"
            f" about {int(estimated)}: narrow its filters, or order it by created_at"
        )


def sort_key(value: Any) -> tuple[bool, str]:
    return (value is not None and value != "", "" if value is None else str(value))


def _spill(rows: list[Row], descending: bool) -> IO[bytes]:
    rows.sort(key=lambda row: sort_key(row[0]), reverse=descending)
    run = tempfile.TemporaryFile()  # noqa: SIM115 - read back by the merge, closed after it
    pickler = pickle.Pickler(run, protocol=pickle.HIGHEST_PROTOCOL)
    for row in rows:
        pickler.dump(row)
    run.seek(0)
    return run


def _read(run: IO[bytes]) -> Iterator[Row]:
    unpickler = pickle.Unpickler(run)
    while True:
        try:
            yield unpickler.load()
        except EOFError:
            return


def sorted_rows(keyed: Iterable[Row], *, descending: bool, run_rows: int | None = None) -> Iterator[Row]:
    """Rows whose first cell is their sort key -> the rows (without it) in key order."""
    size = run_rows or RUN_ROWS
    source = iter(keyed)
    runs: list[IO[bytes]] = []
    try:
        while batch := list(islice(source, size)):
            runs.append(_spill(batch, descending))
        streams = [_read(run) for run in runs]
        for row in heapq.merge(*streams, key=lambda row: sort_key(row[0]), reverse=descending):
            yield row[1:]
    finally:
        for run in runs:
            run.close()
