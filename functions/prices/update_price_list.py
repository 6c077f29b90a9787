"""PUT /price-lists/{id}: replace a price list's fields."""

from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.prices import PriceListInput
from offers.services import price_lists

app = OffersResolver()


@app.put("/price-lists/<price_list_id>")
def update_price_list(price_list_id: int, body: PriceListInput):
    return ok(price_lists.replace_price_list(app.tenant_id, price_list_id, body))


lambda_handler = app.lambda_handler
