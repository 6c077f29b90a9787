"""GET /price-lists/{id}: one price list."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.prices import PriceListRecord
from offers.services import price_lists

app = OffersResolver()


@app.get("/price-lists/<price_list_id>", responses=answers(200, PriceListRecord, errors=(404,)))
def get_price_list(price_list_id: int):
    return ok(price_lists.get_price_list(app.tenant_id, price_list_id))


lambda_handler = app.lambda_handler
