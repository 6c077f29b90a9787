"""POST /v1/exports (Voucherify): start an export; answers 200 with the export SCHEDULED."""

from offers.api.responses import ok
from offers.api.voucherify import VoucherifyResolver
from offers.services import voucherify_exports

app = VoucherifyResolver()


@app.post("/v1/exports")
def create_export():
    return ok(voucherify_exports.create_export(app.tenant_id, app.json_body_or_invalid()))


lambda_handler = app.lambda_handler
