"""DELETE /v1/exports/{exportId} (Voucherify): stop it, delete its files; 204, then 404."""

from offers.api.answers import answers
from offers.api.responses import no_content
from offers.api.voucherify import VoucherifyResolver
from offers.services import voucherify_exports

app = VoucherifyResolver()


@app.delete("/v1/exports/<export_id>", responses=answers(204, errors=(404,)))
def delete_export(export_id: str):
    voucherify_exports.delete_export(app.tenant_id, export_id)
    return no_content()


lambda_handler = app.lambda_handler
