"""``metadata`` as columns: how the keys found become the CSV's columns."""

from __future__ import annotations

import pytest

from offers.services.voucherify_fields import expand_metadata


@pytest.mark.parametrize(
    ("fields", "found", "columns"),
    [
        (["code", "metadata"], ["b", "a"], ["code", "metadata.a", "metadata.b"]),
        (["metadata", "code"], ["x"], ["metadata.x", "code"]),
        (["code", "metadata"], [], ["code"]),
        (["metadata.b", "metadata"], ["a", "b", "c"], ["metadata.b", "metadata.a", "metadata.c"]),
        (["code", "metadata.z"], ["a"], ["code", "metadata.z"]),
    ],
)
def test_given_metadata_and_the_keys_found_then_one_column_per_key_sorted_in_its_place(
    fields, found, columns
):
    assert expand_metadata(fields, found) == columns
