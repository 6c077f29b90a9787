"""DELETE /prices/sku/{sku}?priceListId=: remove an item's price from a list (isDeleted: true)."""

from typing import Annotated

from offers.api.answers import answers
from offers.api.params import Query
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.prices import PriceRecord
from offers.services import prices

app = OffersResolver()


@app.delete("/prices/sku/<sku>", responses=answers(200, PriceRecord, errors=(404,)))
def delete_sku_price(
    sku: str,
    price_list_id: Annotated[int | None, Query(alias="priceListId", ge=1)] = None,
):
    return ok(prices.delete_price(app.tenant_id, price_list_id, sku=sku))


lambda_handler = app.lambda_handler
