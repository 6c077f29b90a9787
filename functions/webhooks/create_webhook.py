"""POST /webhooks: register an endpoint for export-end events; 201 with its secret (shown once)."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.models.webhooks import Webhook, WebhookInput
from offers.services import webhooks

app = OffersResolver()


@app.post("/webhooks", responses=answers(201, Webhook))
def create_webhook(body: WebhookInput):
    return created(webhooks.create_webhook(app.tenant_id, body))


lambda_handler = app.lambda_handler
