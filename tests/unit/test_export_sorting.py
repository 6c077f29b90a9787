"""Exports ordered by a column no index sorts by: an external, stable sort in bounded memory."""

from __future__ import annotations

import pytest

from offers.services.export_sources.sorting import sorted_rows


def keyed(*keys):
    return [[key, f"row{n}"] for n, key in enumerate(keys)]


@pytest.mark.parametrize("run_rows", [1, 2, 3, 100])
def test_given_rows_in_any_number_of_runs_then_one_stable_order_by_the_key(run_rows):
    rows = keyed("b", "a", None, "c", "a", "", "b")

    ascending = list(sorted_rows(rows, descending=False, run_rows=run_rows))
    descending = list(sorted_rows(rows, descending=True, run_rows=run_rows))

    # no value first (ascending), equal keys in the order read (time order)
    assert ascending == [["row2"], ["row5"], ["row1"], ["row4"], ["row0"], ["row6"], ["row3"]]
    assert descending == [["row3"], ["row0"], ["row6"], ["row1"], ["row4"], ["row2"], ["row5"]]


def test_given_no_rows_then_none():
    assert list(sorted_rows([], descending=False, run_rows=2)) == []


def test_given_cells_of_any_type_then_they_survive_the_spill():
    rows = [["k2", 1, None, {"a": 1}], ["k1", "x", 2.5, ["y"]]]

    assert list(sorted_rows(rows, descending=False, run_rows=1)) == [["x", 2.5, ["y"]], [1, None, {"a": 1}]]
