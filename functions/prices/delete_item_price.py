"""DELETE /prices/{itemId}?priceListId=: remove an item's price from a list -> the record, isDeleted: true."""

from typing import Annotated

from offers.api.answers import answers
from offers.api.params import Query
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.prices import PriceRecord
from offers.services import prices

app = OffersResolver()


@app.delete("/prices/<item_id>", responses=answers(200, PriceRecord, errors=(404,)))
def delete_item_price(
    item_id: int,
    price_list_id: Annotated[int | None, Query(alias="priceListId", ge=1)] = None,
):
    return ok(prices.delete_price(app.tenant_id, price_list_id, item_id=item_id))


lambda_handler = app.lambda_handler
