"""The card ledger's storage: one transaction per change, conditioned on the card's version;
a stale version or a repeated source_id writes nothing; transactions page in created order."""

from __future__ import annotations

import pytest

from local.stack import LocalStack
from offers.store.cards import CardChanged, CardState, CardStore, SourceAlreadyUsed

TENANT = "t-ledger"
NOW = "2026-01-01T00:00:00.000Z"


def _card(code: str = "GIFT-1") -> dict:
    return {
        "code": code,
        "id": f"v_{code}",
        "campaignId": "camp_1",
        "type": "GIFT_VOUCHER",
        "balance": 0,
        "total": 0,
        "version": 0,
        "createdAt": NOW,
    }


def _tx(code: str, version: int, amount: int, balance: int) -> dict:
    return {
        "id": f"vtx_{version}",
        "code": code,
        "campaignId": "camp_1",
        "version": version,
        "type": "CREDITS_ADDITION",
        "amount": amount,
        "balance": balance,
        "createdAt": NOW,
    }


def test_given_a_card_when_changes_are_written_then_the_ledger_and_balance_move_together(stack: LocalStack):
    store = CardStore()
    store.create(TENANT, _card(), None)
    state = store.read_state(TENANT, "GIFT-1")
    assert state is not None and state.version == 0

    store.write_change(
        TENANT, state, _tx("GIFT-1", 1, 500, 500), card_fields={"balance": 500}, source_id="s1"
    )
    stale = CardState(state.card)  # still version 0
    with pytest.raises(CardChanged) as changed:
        store.write_change(TENANT, stale, _tx("GIFT-1", 1, 300, 300), card_fields={"balance": 300})
    fresh = CardState(changed.value.card or {})
    with pytest.raises(SourceAlreadyUsed) as repeated:
        store.write_change(
            TENANT, fresh, _tx("GIFT-1", 2, 500, 1000), card_fields={"balance": 1000}, source_id="s1"
        )
    store.write_change(TENANT, fresh, _tx("GIFT-1", 2, -200, 300), card_fields={"balance": 300})

    assert changed.value.card["version"] == 1 and changed.value.card["balance"] == 500
    assert repeated.value.marker["transactionVersion"] == 1
    card = store.get_card(TENANT, "GIFT-1")
    ledger = store.transactions_of_card(TENANT, "GIFT-1").items
    assert (card["balance"], card["version"]) == (300, 2)
    assert [tx["amount"] for tx in ledger] == [500, -200]
    assert sum(tx["amount"] for tx in ledger) == card["balance"] == ledger[-1]["balance"]
    newest = store.transactions(TENANT, "GIFT-1", limit=1, newest_first=True)
    assert [tx["version"] for tx in newest.items] == [2] and newest.last_key is not None
    older = store.transactions(TENANT, "GIFT-1", limit=5, newest_first=True, after_version=2)
    assert [tx["version"] for tx in older.items] == [1]
    by_campaign = [
        tx["version"]
        for shard in range(16)
        for tx in store.transactions_of_campaign_shard(TENANT, "camp_1", shard).items
    ]
    assert sorted(by_campaign) == [1, 2]
