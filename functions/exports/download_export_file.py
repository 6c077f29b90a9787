"""POST /offers-exports/actions/download-export-file {fileId}: a 5-minute download URL."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.exports import DownloadLink, DownloadRequest
from offers.services import exports

app = OffersResolver()


@app.post(
    "/offers-exports/actions/download-export-file", responses=answers(200, DownloadLink, errors=(404, 409))
)
def download_export_file(body: DownloadRequest):
    return ok(exports.download_link(app.tenant_id, body.file_id))


lambda_handler = app.lambda_handler
