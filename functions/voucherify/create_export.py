"""POST /v1/exports (Voucherify): start an export; answers 200 with the export SCHEDULED."""

from offers.api.answers import answers
from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import voucherify_exports

app = VoucherifyResolver()


@app.post("/v1/exports", responses=answers(200))
def create_export():
    return ok(voucherify_exports.create_export(app.tenant_id, app.json_body_or_invalid()))


lambda_handler = app.lambda_handler
