"""Card programs' writes in DynamoDB: the campaign with its unique name and its card generation
job, at once; the job's progress, moved only from the count a batch started at (reads of a
campaign are in store/cards.py, beside the cards)."""

from __future__ import annotations

from typing import Any

from offers.store import keys
from offers.store.table import Table, TransactionCancelled

CAMPAIGN_ENTITY = "CARD_CAMPAIGN"
GENERATION_ENTITY = "CARD_GENERATION"


class CampaignNameTaken(Exception):
    pass


class CardCampaignStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    def create_campaign(
        self, tenant_id: str, campaign: dict[str, Any], generation: dict[str, Any] | None
    ) -> None:
        """The campaign, its name pointer (names are unique) and its card generation job, at once."""
        operations = [
            self.table.put_op(
                {**keys.card_campaign_key(tenant_id, campaign["id"]), "entity": CAMPAIGN_ENTITY, **campaign},
                condition="attribute_not_exists(pk)",
            ),
            self.table.put_op(
                {**keys.card_campaign_name_key(tenant_id, campaign["name"]), "campaignId": campaign["id"]},
                condition="attribute_not_exists(pk)",
            ),
        ]
        if generation is not None:
            operations.append(
                self.table.put_op(
                    {
                        **keys.card_generation_key(tenant_id, campaign["id"]),
                        "entity": GENERATION_ENTITY,
                        **generation,
                    },
                    condition="attribute_not_exists(pk)",
                )
            )
        try:
            self.table.transact_write(operations)
        except TransactionCancelled as error:
            if error.failed(1):
                raise CampaignNameTaken(campaign["name"]) from error
            raise

    def get_generation(self, tenant_id: str, campaign_id: str) -> dict[str, Any] | None:
        return self.table.get(keys.card_generation_key(tenant_id, campaign_id), consistent=True)

    def generation_progress_op(
        self, tenant_id: str, campaign_id: str, generated: int, expected: int
    ) -> dict[str, Any]:
        """Progress of the generation, moved only from the count this batch started at (a retried
        invocation of the same batch fails here and writes nothing)."""
        return self.table.update_op(
            keys.card_generation_key(tenant_id, campaign_id),
            "SET generated = :generated",
            condition="generated = :expected",
            values={":generated": generated, ":expected": expected},
        )

    def finish_generation(self, tenant_id: str, campaign_id: str, status: str, now: str) -> None:
        self.table.update(
            keys.card_generation_key(tenant_id, campaign_id),
            "SET #status = :status, finishedAt = :now",
            names={"#status": "status"},
            values={":status": status, ":now": now},
        )
