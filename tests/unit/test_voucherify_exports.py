"""Pure pieces of the Voucherify exports dialect: filters -> spec, rows, download tokens,
and the one index choice shared by redemption lists and exports."""

from __future__ import annotations

import pytest

from offers.auth.download_tokens import DOWNLOAD_TOKEN_SECONDS, make_download_token, tenant_of_download_token
from offers.errors import InvalidInput
from offers.services.export_sources.base import group
from offers.services.voucherify_fields import customer_id, redemption_row_maker
from offers.services.voucherify_filters import compile_redemption_filters
from offers.settings import get_settings
from offers.store import keys
from offers.store.redemptions import redemption_index

TENANT = "aaaaaaaaaaaaaaaaaaaaaaaa"


@pytest.fixture(autouse=True)
def settings(monkeypatch):
    monkeypatch.setenv("TABLE_NAME", "t")
    monkeypatch.setenv("CURSOR_SECRET", "unit-test-secret-0123456789")
    monkeypatch.setenv("REDEMPTION_SHARDS", "4")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_given_an_and_junction_then_the_window_bounds_the_read_and_one_code_picks_its_partition():
    spec = compile_redemption_filters(
        {
            "junction": "and",
            "created_at": {
                "conditions": {"$after": ["2026-05-30T22:00:00.000Z"], "$before": "2026-06-29T22:00:00Z"}
            },
            "voucher_code": {"conditions": {"$in": ["SPRING-1"]}},
            "order_id": {"conditions": {"$is": "o-1"}},
        }
    )

    assert spec.window("redeemedAt") == (
        "2026-05-30T22:00:00.001Z",
        "2026-06-29T22:00:00.000Z",
    )  # $after excludes
    assert spec.equal == {"couponCode": "SPRING-1"}
    assert spec.where is not None and spec.where.expression == "#w0 IN (:w0)"
    assert (spec.where.names, spec.where.values) == ({"#w0": "orderId"}, {":w0": "o-1"})


def test_given_an_or_junction_then_everything_is_one_filter_and_nothing_narrows_the_read():
    spec = compile_redemption_filters(
        {
            "junction": "OR",
            "voucher_code": {"conditions": {"$is": "A"}},
            "date": {"conditions": {"$before": ["2026-01-01T00:00:00Z"]}},
        }
    )

    assert spec.equal == {} and spec.window("redeemedAt") == (None, None)
    assert spec.where is not None and spec.where.expression == "(#w0 IN (:w0)) OR (#w1 < :w1)"


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"junction": "xor"}, "parameters.filters.junction"),
        ({"campaign": {"conditions": {"$is": "x"}}}, "parameters.filters.campaign"),
        ({"result": {"conditions": {"$after": "x"}}}, "parameters.filters.result.conditions.$after"),
        ({"voucher_code": {"conditions": {"$in": []}}}, "parameters.filters.voucher_code.conditions.$in"),
        ({"voucher_code": "A"}, "parameters.filters.voucher_code.conditions"),
        (
            {
                "created_at": {
                    "conditions": {"$after": "2026-02-01T00:00:00Z", "$before": "2026-01-01T00:00:00Z"}
                }
            },
            "parameters.filters",
        ),
    ],
)
def test_given_bad_filters_then_the_error_names_where(filters, field):
    with pytest.raises(InvalidInput) as error:
        compile_redemption_filters(filters)

    assert error.value.problems[0].field == field


def test_given_expressions_then_only_those_not_already_whole_are_parenthesized():
    assert group("a = b") == "(a = b)"
    assert group("(a = b OR c = d)") == "(a = b OR c = d)"
    assert group("(a = b) OR (c = d)") == "((a = b) OR (c = d))"
    assert group("attribute_exists(a)") == "(attribute_exists(a))"


def test_given_a_redemption_then_the_row_holds_the_requested_fields_in_order():
    item = {
        "id": "r1",
        "couponCode": "SPRING-1",
        "promotionId": "p1",
        "promotionName": "Spring",
        "email": "a@example.com",
        "orderId": "o-1",
        "redeemedAt": "2026-01-01T00:00:00.000Z",
        "status": "ACTIVE",
        "additionalAttributes": [
            {"name": "channel", "values": ["web"]},
            {"name": "tags", "values": ["a", "b"]},
        ],
    }
    fields = [
        "voucher_code",
        "customer_source_id",
        "customer_id",
        "result",
        "metadata",
        "metadata.tags",
        "id",
    ]

    row = redemption_row_maker(TENANT, fields)(item)

    assert row == [
        "SPRING-1",
        "a@example.com",
        customer_id(TENANT, "a@example.com"),
        "SUCCESS",
        '{"channel":"web","tags":["a","b"]}',
        '["a","b"]',
        "r1",
    ]
    assert customer_id(TENANT, "x") != customer_id("bbbbbbbbbbbbbbbbbbbbbbbb", "x")


def test_given_a_download_token_then_it_opens_one_export_of_one_tenant_until_it_expires():
    token = make_download_token(TENANT, "exp_1", now=1_000_000)

    assert tenant_of_download_token(token, "exp_1", now=1_000_000 + DOWNLOAD_TOKEN_SECONDS) == TENANT
    assert tenant_of_download_token(token, "exp_1", now=1_000_001 + DOWNLOAD_TOKEN_SECONDS) is None
    assert tenant_of_download_token(token, "exp_2", now=1_000_000) is None
    forged_payload = make_download_token("bbbbbbbbbbbbbbbbbbbbbbbb", "exp_1", now=1_000_000).split(".")[0]
    assert tenant_of_download_token(f"{forged_payload}.{token.split('.')[1]}", "exp_1", now=1_000_000) is None
    assert tenant_of_download_token("garbage", "exp_1") is None


@pytest.mark.parametrize(
    ("equal", "index", "partitions", "applied"),
    [
        (
            {"orderId": "o", "couponCode": "C"},
            keys.GSI5,
            [keys.redemption_order_partition(TENANT, "o")],
            "orderId",
        ),
        ({"couponCode": "C"}, keys.GSI4, [keys.redemption_code_partition(TENANT, "C")], "couponCode"),
        ({"emailKey": "a@b"}, keys.GSI6, [keys.redemption_email_partition(TENANT, "a@b")], "emailKey"),
        (
            {"promotionId": "p"},
            keys.GSI2,
            [keys.redemption_promotion_partition(TENANT, "p", s) for s in range(4)],
            "promotionId",
        ),
        ({}, keys.GSI1, [keys.redemption_ledger_partition(TENANT, s) for s in range(4)], None),
    ],
)
def test_given_exact_values_then_the_one_shared_index_choice(equal, index, partitions, applied):
    assert redemption_index(TENANT, equal) == (index, partitions, applied)
