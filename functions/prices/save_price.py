"""POST /prices: create or update one item's offers in a price list (default list if none)."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.models.prices import PriceInput, PriceRecord
from offers.services import prices

app = OffersResolver()


@app.post("/prices", responses=answers(201, PriceRecord, errors=(404, 409)))
def save_price(body: PriceInput):
    return created(prices.save_price(app.tenant_id, body))


lambda_handler = app.lambda_handler
