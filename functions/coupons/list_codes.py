"""GET /coupons/codes: all of the tenant's coupon codes, filtered, cursor-paged."""

from functools import partial
from typing import Annotated

from offers.api.answers import answers
from offers.api.pagination import cursor_page
from offers.api.params import Query
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.base import ObjectId, Timestamp
from offers.models.coupons import CodeStatus, CouponCodePage
from offers.services import coupons

app = OffersResolver()


@app.get("/coupons/codes", responses=answers(200, CouponCodePage, errors=(404,)))
def list_codes(
    size: Annotated[int, Query(ge=1, le=100)] = 10,
    start_cursor: Annotated[str | None, Query(alias="startCursor", max_length=2048)] = None,
    status: Annotated[CodeStatus | None, Query()] = None,
    user_id: Annotated[str | None, Query(alias="userId", max_length=128)] = None,
    promotion_id: Annotated[ObjectId | None, Query(alias="promotionId")] = None,
    start_date: Annotated[Timestamp | None, Query(alias="startDate")] = None,
    end_date: Annotated[Timestamp | None, Query(alias="endDate")] = None,
):
    filters = coupons.CodeFilters(
        status=status, user_id=user_id, coupon_id=promotion_id, start_date=start_date, end_date=end_date
    )
    fetch = partial(coupons.list_codes, filters=filters)
    return ok(cursor_page(app.tenant_id, "codes", size, start_cursor, fetch, filters.fingerprint()))


lambda_handler = app.lambda_handler
