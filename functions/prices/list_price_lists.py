"""GET /price-lists?size=&startCursor=&sort=&status=&isDefault=: the tenant's price lists; with
``offset``, fabric's offset paging ({query: {size, offset, count}, data}) instead of the cursor."""

from functools import partial
from typing import Annotated, Literal

from offers.api.answers import answers
from offers.api.pagination import cursor_page
from offers.api.params import Query
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.prices import PriceListSort
from offers.services import price_lists, prices

app = OffersResolver()


@app.get("/price-lists", responses=answers(200))
def list_price_lists(
    size: Annotated[int, Query(ge=1, le=100)] = 10,
    start_cursor: Annotated[str | None, Query(alias="startCursor", max_length=2048)] = None,
    sort: Annotated[PriceListSort, Query()] = PriceListSort.UPDATED_DESC,
    status: Annotated[Literal["ACTIVE"] | None, Query()] = None,
    is_default: Annotated[bool | None, Query(alias="isDefault")] = None,
    offset: Annotated[int | None, Query(ge=0)] = None,
):
    if offset is not None:
        prices.check_offset(offset, size, start_cursor)
        return ok(
            price_lists.list_price_lists_at_offset(
                app.tenant_id,
                size=size,
                offset=offset,
                sort=sort,
                active_only=status == "ACTIVE",
                is_default=is_default,
            )
        )
    fetch = partial(
        price_lists.list_price_lists, sort=sort, active_only=status == "ACTIVE", is_default=is_default
    )
    return ok(cursor_page(app.tenant_id, "price-lists", size, start_cursor, fetch, sort, status, is_default))


lambda_handler = app.lambda_handler
