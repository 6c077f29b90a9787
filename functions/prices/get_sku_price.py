"""GET /prices/sku/{sku}?priceListId=&status=&size=&offset=: an item's offers and metadata."""

from typing import Annotated

from offers.api.answers import answers
from offers.api.params import Query
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.prices import ItemOffers, OfferStatus
from offers.services import prices

app = OffersResolver()


@app.get("/prices/sku/<sku>", responses=answers(200, ItemOffers, errors=(404,)))
def get_sku_price(
    sku: str,
    price_list_id: Annotated[int | None, Query(alias="priceListId", ge=1)] = None,
    status: Annotated[OfferStatus, Query()] = OfferStatus.ALL,
    size: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
):
    return ok(
        prices.item_offers(app.tenant_id, price_list_id, sku=sku, status=status, size=size, offset=offset)
    )


lambda_handler = app.lambda_handler
