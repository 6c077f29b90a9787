"""PUT /price-lists/{id}: replace a price list's fields."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.prices import PriceListInput, PriceListRecord
from offers.services import price_lists

app = OffersResolver()


@app.put("/price-lists/<price_list_id>", responses=answers(200, PriceListRecord, errors=(404, 409)))
def update_price_list(price_list_id: int, body: PriceListInput):
    return ok(price_lists.replace_price_list(app.tenant_id, price_list_id, body))


lambda_handler = app.lambda_handler
