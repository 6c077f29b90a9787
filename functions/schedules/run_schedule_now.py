"""POST /export-schedules/{id}/actions/run-now: run the schedule's export now; 201, the export."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.services import schedules

app = OffersResolver()


@app.post("/export-schedules/<schedule_id>/actions/run-now", responses=answers(201, errors=(404, 409)))
def run_schedule_now(schedule_id: str):
    return created(schedules.run_now(app.tenant_id, schedule_id))


lambda_handler = app.lambda_handler
