"""DELETE /app-keys/{appId}: revoke a key (refused once the authorizer's cache forgets it)."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import no_content
from offers.services import app_keys

app = OffersResolver()


@app.delete("/app-keys/<app_id>", responses=answers(204, errors=(404,)))
def delete_app_key(app_id: str):
    app_keys.revoke_app_key(app.tenant_id, app_id)
    return no_content()


lambda_handler = app.lambda_handler
