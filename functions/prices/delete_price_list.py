"""DELETE /price-lists/{id}: delete a price list -> the record with isDeleted: true."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.prices import PriceListRecord
from offers.services import price_lists

app = OffersResolver()


@app.delete("/price-lists/<price_list_id>", responses=answers(200, PriceListRecord, errors=(404, 409)))
def delete_price_list(price_list_id: int):
    return ok(price_lists.delete_price_list(app.tenant_id, price_list_id))


lambda_handler = app.lambda_handler
