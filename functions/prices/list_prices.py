"""GET /prices?priceListId=&size=&startCursor=: a price list's prices (default list if none);
with ``offset``, fabric's offset paging ({query: {size, offset, count}, data}) instead."""

from functools import partial
from typing import Annotated

from offers.api.answers import answers
from offers.api.pagination import cursor_page
from offers.api.params import Query
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.services import prices

app = OffersResolver()


@app.get("/prices", responses=answers(200, errors=(404,)))
def list_prices(
    size: Annotated[int, Query(ge=1, le=100)] = 10,
    start_cursor: Annotated[str | None, Query(alias="startCursor", max_length=2048)] = None,
    price_list_id: Annotated[int | None, Query(alias="priceListId", ge=1)] = None,
    offset: Annotated[int | None, Query(ge=0)] = None,
):
    if offset is not None:
        prices.check_offset(offset, size, start_cursor)
        return ok(prices.list_prices_at_offset(app.tenant_id, price_list_id, size, offset))
    fetch = partial(_page, price_list_id)
    return ok(cursor_page(app.tenant_id, "prices", size, start_cursor, fetch, price_list_id))


def _page(price_list_id, tenant_id, *, size, start_key):
    return prices.list_prices(tenant_id, price_list_id, size, start_key)


lambda_handler = app.lambda_handler
