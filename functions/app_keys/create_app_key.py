"""POST /app-keys: a new X-App-Id/X-App-Token pair for the Voucherify dialect; the token is shown once."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.models.app_keys import AppKeyInput, NewAppKey
from offers.services import app_keys

app = OffersResolver()


@app.post("/app-keys", responses=answers(201, NewAppKey))
def create_app_key(body: AppKeyInput | None = None):
    return created(app_keys.create_app_key(app.tenant_id, body or AppKeyInput()))


lambda_handler = app.lambda_handler
