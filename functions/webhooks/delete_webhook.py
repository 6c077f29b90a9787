"""DELETE /webhooks/{id}: stop delivering to it; pending deliveries are cancelled."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import no_content
from offers.services import webhooks

app = OffersResolver()


@app.delete("/webhooks/<webhook_id>", responses=answers(204, errors=(404,)))
def delete_webhook(webhook_id: str):
    webhooks.delete_webhook(app.tenant_id, webhook_id)
    return no_content()


lambda_handler = app.lambda_handler
