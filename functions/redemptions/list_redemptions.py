"""GET /redemptions: redemptions, newest first, filtered, cursor-paged."""

from functools import partial
from typing import Annotated

from offers.api.answers import answers
from offers.api.pagination import cursor_page
from offers.api.params import Query
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.base import Timestamp
from offers.models.redemptions import RedemptionFilters, RedemptionPage, RedemptionStatus
from offers.services import redemptions

app = OffersResolver()


@app.get("/redemptions", responses=answers(200, RedemptionPage))
def list_redemptions(
    size: Annotated[int, Query(ge=1, le=100)] = 10,
    start_cursor: Annotated[str | None, Query(alias="startCursor", max_length=2048)] = None,
    promotion_id: Annotated[str | None, Query(alias="promotionId", max_length=24)] = None,
    promotion_name: Annotated[str | None, Query(alias="promotionName", max_length=200)] = None,
    coupon_code: Annotated[str | None, Query(alias="couponCode", max_length=64)] = None,
    user_id: Annotated[str | None, Query(alias="userId", max_length=128)] = None,
    email: Annotated[str | None, Query(max_length=254)] = None,
    order_id: Annotated[str | None, Query(alias="orderId", max_length=128)] = None,
    store_id: Annotated[str | None, Query(alias="storeId", max_length=128)] = None,
    status: Annotated[RedemptionStatus | None, Query()] = None,
    redeemed_from: Annotated[Timestamp | None, Query(alias="redeemedAtFrom")] = None,
    redeemed_before: Annotated[Timestamp | None, Query(alias="redeemedAtTo")] = None,
):
    filters = RedemptionFilters(
        promotion_id=promotion_id,
        promotion_name=promotion_name,
        coupon_code=coupon_code,
        user_id=user_id,
        email=email,
        order_id=order_id,
        store_id=store_id,
        status=status,
        redeemed_from=redeemed_from,
        redeemed_before=redeemed_before,
    )
    fetch = partial(redemptions.list_redemptions, filters=filters)
    fingerprint = filters.model_dump(mode="json")
    return ok(cursor_page(app.tenant_id, "redemptions", size, start_cursor, fetch, fingerprint))


lambda_handler = app.lambda_handler
