"""GET /export-schedules/{id}: a schedule with its next run and its last runs."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.schedules import Schedule
from offers.services import schedules

app = OffersResolver()


@app.get("/export-schedules/<schedule_id>", responses=answers(200, Schedule, errors=(404,)))
def get_schedule(schedule_id: str):
    return ok(schedules.get_schedule(app.tenant_id, schedule_id))


lambda_handler = app.lambda_handler
