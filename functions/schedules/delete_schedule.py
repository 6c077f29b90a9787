"""DELETE /export-schedules/{id}: delete a schedule; its exports stay."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import no_content
from offers.services import schedules

app = OffersResolver()


@app.delete("/export-schedules/<schedule_id>", responses=answers(204, errors=(404,)))
def delete_schedule(schedule_id: str):
    schedules.delete_schedule(app.tenant_id, schedule_id)
    return no_content()


lambda_handler = app.lambda_handler
