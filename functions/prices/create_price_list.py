"""POST /price-lists: create a price list (making it default unsets the previous default)."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import created
from offers.models.prices import PriceListInput, PriceListRecord
from offers.services import price_lists

app = OffersResolver()


@app.post("/price-lists", responses=answers(201, PriceListRecord, errors=(409,)))
def create_price_list(body: PriceListInput):
    return created(price_lists.create_price_list(app.tenant_id, body))


lambda_handler = app.lambda_handler
