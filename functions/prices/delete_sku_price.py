"""DELETE /prices/sku/{sku}?priceListId=: remove an item's price from a list (isDeleted: true)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.services import prices

app = OffersResolver()


@app.delete("/prices/sku/<sku>")
def delete_sku_price(
    sku: str,
    price_list_id: Annotated[int | None, Query(alias="priceListId", ge=1)] = None,
):
    return ok(prices.delete_price(app.tenant_id, price_list_id, sku=sku))


lambda_handler = app.lambda_handler
