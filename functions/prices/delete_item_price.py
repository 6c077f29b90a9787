"""DELETE /prices/{itemId}?priceListId=: remove an item's price from a list -> the record, isDeleted: true."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.services import prices

app = OffersResolver()


@app.delete("/prices/<item_id>")
def delete_item_price(
    item_id: int,
    price_list_id: Annotated[int | None, Query(alias="priceListId", ge=1)] = None,
):
    return ok(prices.delete_price(app.tenant_id, price_list_id, item_id=item_id))


lambda_handler = app.lambda_handler
