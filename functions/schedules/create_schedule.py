"""POST /export-schedules: save an export schedule (validated now) and its Scheduler schedule."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.models.schedules import Schedule, ScheduleInput
from offers.services import schedules

app = OffersResolver()


@app.post("/export-schedules", responses=answers(201, Schedule))
def create_schedule(body: ScheduleInput):
    return created(schedules.create_schedule(app.tenant_id, body))


lambda_handler = app.lambda_handler
