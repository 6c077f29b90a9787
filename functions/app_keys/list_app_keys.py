"""GET /app-keys: the tenant's app keys, without their tokens."""

from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.services import app_keys

app = OffersResolver()


@app.get("/app-keys")
def list_app_keys():
    return ok(app_keys.list_app_keys(app.tenant_id))


lambda_handler = app.lambda_handler
