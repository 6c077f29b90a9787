"""PUT /export-schedules/{id}: replace a schedule's definition (and its Scheduler schedule)."""

from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.schedules import ScheduleInput
from offers.services import schedules

app = OffersResolver()


@app.put("/export-schedules/<schedule_id>")
def update_schedule(schedule_id: str, body: ScheduleInput):
    return ok(schedules.replace_schedule(app.tenant_id, schedule_id, body))


lambda_handler = app.lambda_handler
