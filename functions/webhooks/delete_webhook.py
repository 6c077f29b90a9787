"""DELETE /webhooks/{id}: stop delivering to it; pending deliveries are cancelled."""

from offers.api.resolver import OffersResolver
from offers.api.responses import no_content
from offers.services import webhooks

app = OffersResolver()


@app.delete("/webhooks/<webhook_id>")
def delete_webhook(webhook_id: str):
    webhooks.delete_webhook(app.tenant_id, webhook_id)
    return no_content()


lambda_handler = app.lambda_handler
