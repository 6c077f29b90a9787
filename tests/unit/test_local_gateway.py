"""The local HTTP API takes its routes from template.yaml and matches them as API Gateway does."""

from __future__ import annotations

from local.gateway import LocalGateway, _compile
from local.template import Route, Template

TEMPLATE_PARAMETERS = {"TokenIssuer": "https://issuer", "JwksUrl": "https://issuer/jwks.json"}


def gateway_for(*routes: Route) -> LocalGateway:
    gateway = LocalGateway.__new__(LocalGateway)
    gateway.routes = [_compile(route) for route in routes]
    return gateway


def test_given_literal_and_parameter_routes_when_matching_then_the_most_specific_wins():
    gateway = gateway_for(
        Route("GET", "/promotions/{id}", "GetFn", None),
        Route("GET", "/promotions/search", "SearchFn", None),
        Route("ANY", "/{proxy+}", "CatchAll", None),
    )
    assert gateway.match("GET", "/promotions/search")[0].function_id == "SearchFn"
    route, params = gateway.match("GET", "/promotions/abc")
    assert (route.function_id, params) == ("GetFn", {"id": "abc"})
    assert gateway.match("DELETE", "/anything/else")[0].function_id == "CatchAll"
    assert gateway_for(Route("GET", "/a", "A", None)).match("POST", "/a") is None


def test_given_the_template_then_every_http_function_has_a_route_and_a_loadable_handler():
    template = Template(parameters=TEMPLATE_PARAMETERS)
    functions = template.functions()
    routes = template.routes()
    assert {r.route_key for r in routes} >= {
        "POST /promotions",
        "GET /promotions",
        "GET /promotions/{id}",
        "PUT /promotions/{id}",
        "DELETE /promotions/{id}",
        "POST /promotions/{id}/actions/toggle",
        "POST /promotions/{id}/actions/end",
    }
    assert len({r.route_key for r in routes}) == len(routes), "duplicate route keys"
    for spec in functions.values():
        assert (spec.code_dir / f"{spec.module}.py").is_file(), spec.logical_id
    # fabric routes take the bearer token; /v1 (Voucherify) routes take app keys
    for route in routes:
        expected = ("VoucherifyAuthorizer", "VoucherifyDownloadAuthorizer")
        assert route.authorizer in (expected if route.path.startswith("/v1/") else ("TokenAuthorizer",))


def test_given_the_template_then_intrinsics_resolve_to_local_values():
    template = Template(parameters=TEMPLATE_PARAMETERS)
    env = template.functions()["CreatePromotionFunction"].environment
    assert env["TABLE_NAME"] == "offers-local-offers"
    assert len(env["CURSOR_SECRET"]) >= 32 and "resolve:" not in env["CURSOR_SECRET"]
    assert env["POWERTOOLS_LOG_LEVEL"] == "INFO"
    assert "AWS_ENDPOINT_URL" not in env  # AWS::NoValue drops the variable
    pointed = Template(parameters={**TEMPLATE_PARAMETERS, "LocalEndpointUrl": "http://127.0.0.1:4566"})
    assert (
        pointed.functions()["GetPromotionFunction"].environment["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    )
    prod = Template(parameters={**TEMPLATE_PARAMETERS, "Stage": "prod"})
    assert prod.conditions["IsProd"] is True
    assert prod.properties("OffersTable")["DeletionProtectionEnabled"] is True
