"""POST /api-offers/promo/search: find promotions and coupons by filters (fabric v2, x-site-context)."""

from offers.api.answers import answers
from offers.api.resolver import FABRIC_SITE_CONTEXT, OffersResolver
from offers.api.responses import ok
from offers.models.search_v2 import V2PromoSearchPage, V2PromoSearchRequest
from offers.services import search

app = OffersResolver(FABRIC_SITE_CONTEXT)


@app.post("/api-offers/promo/search", responses=answers(200, V2PromoSearchPage))
def search_promotions(body: V2PromoSearchRequest):
    return ok(search.search_promotions(app.tenant_id, body))


lambda_handler = app.lambda_handler
