"""POST /offers-exports/actions/download-export-file {fileId}: a 5-minute download URL."""

from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.exports import DownloadRequest
from offers.services import exports

app = OffersResolver()


@app.post("/offers-exports/actions/download-export-file")
def download_export_file(body: DownloadRequest):
    return ok(exports.download_link(app.tenant_id, body.file_id))


lambda_handler = app.lambda_handler
