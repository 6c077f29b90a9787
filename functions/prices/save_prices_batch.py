"""POST /prices/batch: up to 100 prices; 201 when all are saved, else 400 DATA_ERROR naming each
failed entry (the others are saved)."""

from offers.api.answers import answers
from offers.api.batch import data_error
from offers.api.resolver import OffersResolver
from offers.api.responses import created, json_response
from offers.models.prices import PriceBatchInput
from offers.services import prices

app = OffersResolver()


@app.post("/prices/batch", responses=answers(201, errors=(400,)))
def save_prices_batch(body: PriceBatchInput):
    outcome = prices.save_prices(app.tenant_id, body.data)
    if not outcome.failures:
        return created({"data": [record.model_dump(mode="json", by_alias=True) for record in outcome.saved]})
    return json_response(400, data_error(outcome.failures, len(body.data), outcome.saved))


lambda_handler = app.lambda_handler
