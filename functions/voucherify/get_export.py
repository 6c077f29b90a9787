"""GET /v1/exports/{exportId} (Voucherify): the export; with ?token=... its CSV (a redirect to a
short-lived S3 link that serves it as text/plain)."""

from offers.api.answers import answers
from offers.api.responses import Response, ok
from offers.api.voucherify import VoucherifyResolver
from offers.errors import NotAuthenticated
from offers.services import voucherify_exports

app = VoucherifyResolver()


@app.get("/v1/exports/<export_id>", responses=answers({200: None, 302: None}, errors=(404, 409)))
def get_export(export_id: str):
    if "token" in (app.current_event.query_string_parameters or {}):
        if app.download_export_id() != export_id:
            raise NotAuthenticated("the download token is not valid for this export")
        url = voucherify_exports.download_url(app.tenant_id, export_id)
        return Response(status_code=302, headers={"Location": url}, body="")
    if app.download_export_id() is not None:  # a token's principal opens the file, nothing else
        raise NotAuthenticated("a download token only downloads")
    return ok(voucherify_exports.get_export(app.tenant_id, export_id, app.base_url()))


lambda_handler = app.lambda_handler
