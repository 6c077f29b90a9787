"""Loyalty points buckets in DynamoDB: points that expire, in their card's partition.

An active bucket (``PB#<expiresAt>#<id>``) holds ``remaining`` points; a spend takes from it, a
rollback gives back to it, the expiry job turns it into an expired record (``PX#...``, out of the
expiry queue). Every operation here is one operation of a card change's transaction
(store/cards.py), unconditioned: the card's version condition in the same transaction guards
the whole partition.
"""

from __future__ import annotations

from typing import Any

from offers.store import keys
from offers.store.table import Page, Table

BUCKET_ENTITY = "POINTS_BUCKET"


def bucket_item(tenant_id: str, bucket: dict[str, Any], *, active: bool = True) -> dict[str, Any]:
    index = keys.points_bucket_index_attributes(
        tenant_id,
        code=bucket["code"],
        campaign_id=bucket.get("campaignId"),
        expires_at=bucket["expiresAt"],
        bucket_id=bucket["id"],
        active=active,
    )
    return {**bucket, "entity": BUCKET_ENTITY, "tenantId": tenant_id, **index}


class PointsBucketStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    @staticmethod
    def _bucket(tenant_id: str, bucket: dict[str, Any]) -> dict[str, Any]:
        key = keys.points_bucket_key(tenant_id, bucket["code"], bucket["expiresAt"], bucket["id"])
        return {**key, **bucket_item(tenant_id, bucket)}

    def put_op(self, tenant_id: str, bucket: dict[str, Any]) -> dict[str, Any]:
        return self.table.put_op(self._bucket(tenant_id, bucket))

    def take_op(self, tenant_id: str, bucket: dict[str, Any], remaining: int, now: str) -> dict[str, Any]:
        """Leave ``remaining`` points in an active bucket, or delete it when none are left.
        Unconditioned: the card's version condition in the same transaction guards it."""
        key = {keys.PK: bucket[keys.PK], keys.SK: bucket[keys.SK]}
        if remaining <= 0:
            return self.table.delete_op(key)
        return self.table.update_op(
            key, "SET remaining = :remaining, updatedAt = :now", values={":remaining": remaining, ":now": now}
        )

    def give_back_op(self, tenant_id: str, bucket: dict[str, Any], points: int, now: str) -> dict[str, Any]:
        """Points a rollback returns to the bucket they came from; it is recreated if it was used
        up (or expired: then the next expiry run takes them out again)."""
        item = self._bucket(tenant_id, {**bucket, "status": "ACTIVE", "remaining": 0, "updatedAt": now})
        key = {keys.PK: item.pop(keys.PK), keys.SK: item.pop(keys.SK)}
        item.pop("remaining")
        names, values, clauses = {}, {":points": points}, []
        for i, (name, value) in enumerate(item.items()):
            names[f"#b{i}"], values[f":b{i}"] = name, value
            clauses.append(
                f"#b{i} = if_not_exists(#b{i}, :b{i})" if name != "updatedAt" else f"#b{i} = :b{i}"
            )
        return self.table.update_op(
            key, "SET " + ", ".join(clauses) + " ADD remaining :points", names=names, values=values
        )

    def expire_ops(
        self, tenant_id: str, bucket: dict[str, Any], version: int, now: str
    ) -> list[dict[str, Any]]:
        """An active bucket becomes an expired record (``PX#``, out of the expiry queue)."""
        key = {keys.PK: bucket[keys.PK], keys.SK: bucket[keys.SK]}
        expired = {
            name: value
            for name, value in bucket.items()
            if name not in (keys.PK, keys.SK) and not name.startswith("gsi")
        }
        expired |= {
            "status": "EXPIRED",
            "expiredPoints": int(bucket.get("remaining", 0)),
            "remaining": 0,
            "updatedAt": now,
        }
        sort = keys.points_bucket_sort(bucket["expiresAt"], f"{bucket['id']}#{version:012d}", expired=True)
        return [
            self.table.delete_op(key),
            self.table.put_op(
                {keys.PK: bucket[keys.PK], keys.SK: sort, **bucket_item(tenant_id, expired, active=False)}
            ),
        ]

    def expiring_buckets(
        self, shard: int, before: str, *, limit: int = 100, start_key: keys.Key | None = None
    ) -> Page:
        """Active buckets of every tenant whose expiry sorts before ``before`` (the job's queue)."""
        return self.table.query(
            keys.points_expiry_partition(shard),
            index=keys.GSI3[0],
            partition_attribute=keys.GSI3[1],
            sort_condition="#sk < :before",
            names={"#sk": keys.GSI3[2]},
            values={":before": before},
            limit=limit,
            start_key=start_key,
        )
