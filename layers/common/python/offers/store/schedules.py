"""Export schedules and their runs in DynamoDB.

A run item per (schedule, scheduled time) is written with ``attribute_not_exists`` in the same
transaction that creates the run's export, so a firing delivered twice makes one export.
"""

from __future__ import annotations

from typing import Any

from offers.errors import NotFound
from offers.models.schedules import ScheduleRecord, ScheduleRun
from offers.store import keys
from offers.store.table import ConditionFailed, Page, Table

ENTITY = "EXPORT_SCHEDULE"
RUN_ENTITY = "EXPORT_SCHEDULE_RUN"
LAST_RUNS = 5


class ScheduleNotFound(NotFound):
    def __init__(self, schedule_id: str):
        super().__init__(f"export schedule {schedule_id} not found")


def schedule_item(tenant_id: str, record: ScheduleRecord) -> dict[str, Any]:
    body = record.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {**keys.schedule_key(tenant_id, record.id), "entity": ENTITY, **body}


class ScheduleStore:
    def __init__(self, table: Table | None = None):
        self.table = table or Table()

    def create(self, tenant_id: str, record: ScheduleRecord) -> None:
        self.table.put(schedule_item(tenant_id, record), condition="attribute_not_exists(pk)")

    def get(self, tenant_id: str, schedule_id: str, *, consistent: bool = True) -> ScheduleRecord:
        item = self.table.get(keys.schedule_key(tenant_id, schedule_id), consistent=consistent)
        if item is None:
            raise ScheduleNotFound(schedule_id)
        return ScheduleRecord.model_validate(item)

    def replace(self, tenant_id: str, record: ScheduleRecord) -> None:
        """Every definition field replaced; lastRun (written by runs) is kept."""
        body = record.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"last_run"})
        absent = [name for name in ("description", "startAt", "endAt") if name not in body]
        try:
            self.table.update_fields(
                keys.schedule_key(tenant_id, record.id), body, remove=absent, condition="attribute_exists(pk)"
            )
        except ConditionFailed as error:
            raise ScheduleNotFound(record.id) from error

    def delete(self, tenant_id: str, schedule_id: str) -> None:
        try:
            self.table.delete(keys.schedule_key(tenant_id, schedule_id), condition="attribute_exists(pk)")
        except ConditionFailed as error:
            raise ScheduleNotFound(schedule_id) from error

    def list_page(self, tenant_id: str, size: int, start_key: keys.Key | None) -> Page:
        """Newest first."""
        page = self.table.query_page(
            keys.schedules_partition(tenant_id),
            size=size,
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.SCHEDULE_SK_PREFIX},
            start_key=start_key,
            forward=False,
        )
        return Page([ScheduleRecord.model_validate(item) for item in page.items], page.last_key)

    # -- runs -----------------------------------------------------------------------------------

    def run_operations(self, tenant_id: str, schedule_id: str, run: ScheduleRun) -> list[dict[str, Any]]:
        """Put the run once per (schedule, scheduled time); the schedule must still exist."""
        scheduled = run.model_dump(mode="json", by_alias=True, exclude_none=True)
        return [
            self.table.put_op(
                {
                    **keys.schedule_run_key(tenant_id, schedule_id, scheduled["scheduledTime"]),
                    "entity": RUN_ENTITY,
                    **scheduled,
                },
                condition="attribute_not_exists(pk)",
            ),
            self.table.update_op(
                keys.schedule_key(tenant_id, schedule_id),
                "SET lastRun = :run",
                condition="attribute_exists(pk)",
                values={":run": scheduled},
            ),
        ]

    def get_run(self, tenant_id: str, schedule_id: str, scheduled_time: str) -> ScheduleRun | None:
        item = self.table.get(keys.schedule_run_key(tenant_id, schedule_id, scheduled_time), consistent=True)
        return ScheduleRun.model_validate(item) if item else None

    def last_runs(self, tenant_id: str, schedule_id: str, limit: int = LAST_RUNS) -> list[ScheduleRun]:
        page = self.table.query(
            keys.schedule_runs_partition(tenant_id, schedule_id),
            sort_condition="begins_with(#sk, :prefix)",
            values={":prefix": keys.SCHEDULE_RUN_SK_PREFIX},
            limit=limit,
            forward=False,
            consistent=True,
        )
        return [ScheduleRun.model_validate(item) for item in page.items]
