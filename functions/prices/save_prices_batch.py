"""POST /prices/batch: up to 100 prices, each saved whole or not at all; 201 when all are saved,
else DATA_ERROR naming each failed entry (the others are saved): 503 with Retry-After when every
failure is transient (the whole batch may be sent again), 400 otherwise."""

from offers.api.answers import answers
from offers.api.batch import data_error
from offers.api.resolver import OffersResolver
from offers.api.responses import created, json_response
from offers.models.prices import PriceBatchInput
from offers.services import prices

app = OffersResolver()


@app.post("/prices/batch", responses=answers(201, errors=(400, 503)))
def save_prices_batch(body: PriceBatchInput):
    outcome = prices.save_prices(app.tenant_id, body.data)
    if not outcome.failures:
        return created({"data": [record.model_dump(mode="json", by_alias=True) for record in outcome.saved]})
    answer = data_error(outcome.failures, len(body.data), outcome.saved)
    if not outcome.only_transient:
        return json_response(400, answer)
    busy = json_response(503, answer)
    busy.headers["Retry-After"] = str(max(error.retry_after for _, error in outcome.failures))
    return busy


lambda_handler = app.lambda_handler
