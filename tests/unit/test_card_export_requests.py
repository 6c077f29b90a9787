"""Card export requests (services/card_export_requests.py): fields, orders, echoes, and how
voucher_id and a route's restriction become what the ledger source reads."""

from __future__ import annotations

import pytest

from offers.errors import InvalidInput
from offers.services.card_export_requests import (
    POINTS_EXPIRATION,
    TRANSACTIONS,
    compile_card_filters,
    export_record,
    restricted,
)
from offers.services.export_sources import ExportSpec, source_for


def _spec(record) -> ExportSpec:
    return ExportSpec.model_validate(record.spec)


def test_given_details_then_related_transaction_id_follows_it_unless_asked_for_elsewhere():
    asked = export_record(TRANSACTIONS, {"fields": ["id", "details", "source"]})
    placed = export_record(TRANSACTIONS, {"fields": ["related_transaction_id", "id", "details"]})

    assert asked.parameters["fields"] == ["id", "details", "related_transaction_id", "source"]
    assert _spec(asked).columns == ["id", "details", "related_transaction_id", "source"]
    assert placed.parameters["fields"] == ["related_transaction_id", "id", "details"]


def test_given_no_fields_then_the_defaults_are_read_and_echoed_only_where_the_route_echoes_them():
    echoed = export_record(POINTS_EXPIRATION, {})
    quiet = export_record(TRANSACTIONS, {}, echo_defaults=False, only={"code": "GC-1"}, echo_filters={"x": 1})

    assert echoed.parameters == {
        "fields": ["id", "campaign_id", "voucher_id", "status", "expires_at", "points"]
    }
    assert quiet.parameters == {"filters": {"x": 1}}
    assert _spec(quiet).columns == [
        "id",
        "type",
        "source_id",
        "reason",
        "source",
        "balance",
        "amount",
        "created_at",
    ]
    assert _spec(quiet).equal == {"code": "GC-1"}
    assert (quiet.type, quiet.exported_object, quiet.dialect) == (
        "V1_VOUCHER_TRANSACTIONS",
        "voucher_transactions",
        "voucherify",
    )


@pytest.mark.parametrize(
    ("what", "parameters", "names"),
    [
        (TRANSACTIONS, {"order": "-expires_at"}, "parameters.order"),
        (POINTS_EXPIRATION, {"order": "created_at"}, "parameters.order"),
        (TRANSACTIONS, {"fields": []}, "parameters.fields"),
        (TRANSACTIONS, {"fields": "id"}, "parameters.fields"),
        (TRANSACTIONS, {"filters": []}, "parameters.filters"),
        (TRANSACTIONS, {"campaign_id": ""}, "parameters.campaign_id"),
        (TRANSACTIONS, {"colour": "red"}, "parameters.colour"),
        (TRANSACTIONS, [], "parameters"),
        (TRANSACTIONS, {"filters": {"voucher_id": {"conditions": {"$is": "C" * 600}}}}, "parameters.filters"),
        (POINTS_EXPIRATION, {"campaign_id": "c" * 600}, "parameters.filters"),
    ],
)
def test_given_bad_parameters_then_400_naming_them(what, parameters, names: str):
    with pytest.raises(InvalidInput) as refused:
        export_record(what, parameters)

    assert refused.value.problems[0].field == names


def test_given_a_field_of_another_object_then_invalid_export_fields_listing_the_allowed_ones():
    with pytest.raises(InvalidInput) as refused:
        export_record(POINTS_EXPIRATION, {"fields": ["id", "balance"]})

    assert refused.value.code == "invalid_export_fields"
    assert "balance" in refused.value.message and "expires_at" in refused.value.message


def test_given_one_code_under_and_then_that_cards_partition_is_read():
    spec = compile_card_filters(TRANSACTIONS.vocabulary, {"voucher_id": {"conditions": {"$in": ["GC-1"]}}})

    assert (spec.equal, spec.where) == ({"code": "GC-1"}, None)
    index, partitions, applied = source_for("V1_VOUCHER_TRANSACTIONS").read_plan("t1", spec)
    assert (index[0], partitions, applied) == ("", ["T#t1#CARD#GC-1"], "code")


def test_given_ids_codes_negations_or_an_or_junction_then_a_filter_on_voucher_id_or_code():
    by_id = compile_card_filters(TRANSACTIONS.vocabulary, {"voucher_id": {"conditions": {"$is": "v_abc"}}})
    mixed = compile_card_filters(
        TRANSACTIONS.vocabulary, {"voucher_id": {"conditions": {"$not_in": ["v_abc", "GC-2"]}}}
    )
    either = compile_card_filters(
        TRANSACTIONS.vocabulary,
        {
            "junction": "or",
            "voucher_id": {"conditions": {"$in": ["GC-1"]}},
            "type": {"conditions": {"$is": "CREDITS_REFUND"}},
        },
    )

    assert by_id.equal == {} and by_id.where.expression == "#vid IN (:v0)"
    assert by_id.where.names == {"#vid": "voucherId"}  # DynamoDB refuses unused names
    assert mixed.where.expression == "NOT (#vid IN (:v0) OR #vcode IN (:v1))"
    assert mixed.where.values == {":v0": "v_abc", ":v1": "GC-2"}
    assert either.equal == {} and " OR " in either.where.expression
    assert set(either.where.names.values()) >= {"type", "code"}


def test_given_a_route_restriction_then_it_is_anded_and_a_conflicting_filter_matches_nothing():
    spec = compile_card_filters(
        TRANSACTIONS.vocabulary,
        {
            "junction": "or",
            "type": {"conditions": {"$is": "CREDITS_REFUND"}},
            "source": {"conditions": {"$is": "API"}},
        },
    )
    other = compile_card_filters(TRANSACTIONS.vocabulary, {"campaign_id": {"conditions": {"$is": "camp_a"}}})

    narrowed = restricted(spec, {"campaignId": "camp_b"})
    conflicting = restricted(other, {"campaignId": "camp_b"})

    assert narrowed.equal == {"campaignId": "camp_b"} and narrowed.where == spec.where
    assert conflicting.equal == {"campaignId": "camp_b"}
    assert conflicting.where.expression == "#o0 = :o0" and conflicting.where.values == {":o0": "camp_a"}
