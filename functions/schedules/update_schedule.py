"""PUT /export-schedules/{id}: replace a schedule's definition (and its Scheduler schedule)."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.schedules import Schedule, ScheduleInput
from offers.services import schedules

app = OffersResolver()


@app.put("/export-schedules/<schedule_id>", responses=answers(200, Schedule, errors=(404,)))
def update_schedule(schedule_id: str, body: ScheduleInput):
    return ok(schedules.replace_schedule(app.tenant_id, schedule_id, body))


lambda_handler = app.lambda_handler
