"""DynamoDB item sizes, by the rules in the DynamoDB developer guide."""

from __future__ import annotations

from local.readmeter import ReadMeter, item_size, returned_items


def test_given_scalar_attributes_then_name_plus_value_bytes():
    assert item_size({"pk": {"S": "T#x"}}) == 2 + 3
    assert item_size({"name": {"S": "café"}}) == 4 + 5  # UTF-8 bytes
    assert item_size({"ok": {"BOOL": True}, "no": {"NULL": True}}) == (2 + 1) + (2 + 1)
    assert item_size({"b": {"B": b"\x00\x01\x02"}}) == 1 + 3


def test_given_numbers_then_one_byte_per_two_significant_digits_plus_one():
    assert item_size({"n": {"N": "100001"}}) == 1 + 1 + 3  # 6 significant digits
    assert item_size({"n": {"N": "1000"}}) == 1 + 1 + 1  # trailing zeros are not significant
    assert item_size({"n": {"N": "-12.5"}}) == 1 + 1 + 2


def test_given_lists_maps_and_sets_then_overhead_per_container_and_element():
    assert item_size({"l": {"L": [{"N": "1"}, {"N": "2"}]}}) == 1 + 3 + 2 * (2 + 1)
    assert item_size({"m": {"M": {"a": {"S": "xy"}}}}) == 1 + 3 + (1 + 2 + 1)
    assert item_size({"s": {"SS": ["ab", "c"]}}) == 1 + 3


def test_given_responses_of_each_read_then_their_items():
    item = {"pk": {"S": "a"}}
    assert returned_items("GetItem", {"Item": item}) == [item]
    assert returned_items("GetItem", {}) == []
    assert returned_items("Query", {"Items": [item, item]}) == [item, item]
    assert returned_items("BatchGetItem", {"Responses": {"t": [item]}}) == [item]
    assert returned_items("PutItem", {}) == []


def test_given_items_of_two_tenants_then_those_outside_a_prefix_are_counted():
    meter = ReadMeter()
    meter.items = [{"pk": {"S": "T#a#PROMO"}}, {"pk": {"S": "T#b#PROMO"}, "psPk": {"S": "T#b#PS#E"}}]
    assert meter.items_outside("T#a#") == 1
