"""POST /promotions/search: find promotions by filters, sorted and paged (fabric v3)."""

from offers.api.answers import answers
from offers.api.resolver import OffersResolver
from offers.api.responses import ok
from offers.models.search_v3 import PromotionSearchPage, PromotionSearchRequest
from offers.services import search

app = OffersResolver()


@app.post("/promotions/search", responses=answers(200, PromotionSearchPage))
def search_promotions(body: PromotionSearchRequest):
    return ok(search.search_promotions(app.tenant_id, body))


lambda_handler = app.lambda_handler
