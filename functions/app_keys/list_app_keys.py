"""GET /app-keys: the tenant's app keys, without their tokens."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.app_keys import AppKeyList
from offers.services import app_keys

app = OffersResolver()


@app.get("/app-keys", responses=answers(200, AppKeyList))
def list_app_keys():
    return ok(app_keys.list_app_keys(app.tenant_id))


lambda_handler = app.lambda_handler
