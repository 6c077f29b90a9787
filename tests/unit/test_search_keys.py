"""Search index keys: one key per promotion and index, ordered as the API sorts."""

from __future__ import annotations

import pytest

from offers.store import keys

ID_A, ID_B = "0" * 23 + "a", "0" * 23 + "b"


def name_key(name: str, promotion_id: str = ID_A) -> str:
    return keys.SEARCH_BY_NAME.sort_key({"id": promotion_id, "name": name})


def test_given_names_that_begin_one_another_when_keyed_then_the_shorter_sorts_first():
    names = [
        "Black Friday!",
        "black friday",
        "Black Friday Extra",
        "Black Friday-2",
        "BLACK FRIDAYS",
        "Black",
    ]
    ordered = sorted(names, key=name_key)
    assert ordered == [
        "Black",
        "black friday",
        "Black Friday Extra",
        "Black Friday!",
        "Black Friday-2",
        "BLACK FRIDAYS",
    ]


def test_given_the_same_name_in_other_case_and_spacing_when_keyed_then_only_the_id_differs():
    assert name_key("  Black   FRIDAY ", ID_B) > name_key("black friday", ID_A)
    assert name_key("  Black   FRIDAY ", ID_A) == name_key("black friday", ID_A)
    assert name_key("Black Friday").startswith(keys.SEARCH_BY_NAME.prefix("BLACK FRIDAY"))
    assert not name_key("Black Friday Extra").startswith(keys.SEARCH_BY_NAME.prefix("Black Friday"))


def test_given_a_name_with_separators_when_keyed_then_they_are_escaped():
    assert keys.search_name("50% off #1") == "50%25 off %231"
    assert keys.NAME_END not in keys.search_name("a\x1fb")  # U+001F is whitespace: collapsed


def test_given_a_promotion_when_its_search_attributes_are_built_then_each_index_key_matches_sort_key():
    fields = {
        "id": ID_A,
        "name": "Spring",
        "updatedAt": "2026-03-01T00:00:00.000Z",
        "startAt": "2026-03-02T00:00:00.000Z",
        "endAt": None,
        "level": 3,
    }
    attributes = keys.search_attributes(
        "t" * 24,
        promotion_id=ID_A,
        name="Spring",
        enabled=False,
        updated_at=fields["updatedAt"],
        start_at=fields["startAt"],
        end_at=None,
        level=3,
    )
    assert attributes == {
        "psPk": "T#tttttttttttttttttttttttt#PS#D",
        "psUpdated": f"2026-03-01T00:00:00.000Z#{ID_A}",
        "psName": f"spring\x1f{ID_A}",
        "psStart": f"2026-03-02T00:00:00.000Z#{ID_A}",
        "psEnd": f"{keys.OPEN_END}#{ID_A}",
        "psLevel": f"03#{ID_A}",
    }
    for index in keys.SEARCH_INDEXES:
        assert attributes[index.sort_attribute] == index.sort_key(fields)
    assert keys.search_updated(fields["updatedAt"], ID_A) == attributes["psUpdated"]
    assert keys.search_end(None, ID_A) == attributes["psEnd"]


@pytest.mark.parametrize(
    ("index", "low", "high"),
    [
        (keys.SEARCH_BY_START, "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.001Z"),
        (keys.SEARCH_BY_LEVEL, 2, 3),
    ],
)
def test_given_a_value_bound_when_compared_with_keys_then_it_splits_them_by_value(index, low, high):
    """``value(x)`` is a key bound: keys of values >= x are >= it, keys of values < x are < it."""
    low_key = index.sort_key({"id": "f" * 24, index.field: low})
    high_key = index.sort_key({"id": "0" * 24, index.field: high})
    assert low_key < index.value(high) <= high_key
    assert index.value(low) <= low_key
