"""``make openapi`` (``python -m local.openapi``): write docs/openapi.json from the code.

Every function with HTTP API routes in template.yaml is loaded; its Powertools resolver
(``enable_validation=True``) knows the route's parameters, request body and, through
``offers.api.answers``, its answers. The routes of all functions go into one resolver, so one
pydantic pass names every model once (a model whose request and response schemas differ
becomes ``Name-Input`` / ``Name-Output``). Then the document gets what only the stack knows:
the template's paths and function names, the authorizers as security schemes, each dialect's
headers and error body, the errors every route can answer, and links from a created
resource to the operations on it (schemathesis follows them).

``python -m local.openapi --check`` exits 1 when docs/openapi.json is not what the code makes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver

from local.functions import load_module
from local.template import ROOT, FunctionSpec, Route, Template, load_template

DOCUMENT_PATH = ROOT / "docs" / "openapi.json"
TITLE = "Offers service"
_PLACEHOLDER = "https://openapi.invalid"  # parameters without a default don't shape the API

FABRIC_ERROR = "FabricError"
VOUCHERIFY_ERROR = "VoucherifyError"
GATEWAY_ERROR = "GatewayError"
DATA_ERROR = "DataError"
ANY_ERROR = "AnyError"

_ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    FABRIC_ERROR: {
        "title": FABRIC_ERROR,
        "description": "fabric's error body (offers.api.errors.fabric_error_body); details name the fields.",
        "type": "object",
        "properties": {
            "type": {"type": "string", "description": "stable error type, e.g. REQUEST_VALIDATION"},
            "message": {"type": "string"},
            "details": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                    "required": ["field", "message"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["type", "message"],
        "additionalProperties": False,
    },
    VOUCHERIFY_ERROR: {
        "title": VOUCHERIFY_ERROR,
        "description": "Voucherify's error body (offers.api.voucherify.voucherify_error_body); "
        "a 404 adds resource_id and resource_type.",
        "type": "object",
        "properties": {
            "code": {"type": "integer", "description": "the HTTP status"},
            "key": {"type": "string", "description": "e.g. invalid_payload, not_found, unauthorized"},
            "message": {"type": "string"},
            "details": {"type": "string"},
            "request_id": {"type": "string"},
            "resource_id": {"type": "string"},
            "resource_type": {"type": "string"},
        },
        "required": ["code", "key", "message", "request_id"],
        "additionalProperties": False,
    },
    DATA_ERROR: {
        "title": DATA_ERROR,
        "description": "fabric's batch error (offers.api.batch.data_error): the entries that failed, "
        "each with its own status; data holds the entries that were saved.",
        "type": "object",
        "properties": {
            "type": {"const": "DATA_ERROR"},
            "details": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "instance": {"type": "string", "description": "points at the failed entry/field"},
                        "name": {"type": "string"},
                        "detail": {"type": "string"},
                        "status": {"type": "integer"},
                    },
                    "required": ["type", "instance", "name", "detail", "status"],
                    "additionalProperties": False,
                },
            },
            "data": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["type", "details", "errors"],
        "additionalProperties": False,
    },
    ANY_ERROR: {
        "title": ANY_ERROR,
        "description": "An error of a dialect not described yet.",
        "type": "object",
    },
    GATEWAY_ERROR: {
        "title": GATEWAY_ERROR,
        "description": "What API Gateway itself answers (no or bad token, body over its 10 MB limit).",
        "type": "object",
        "properties": {"message": {"type": "string"}},
        "required": ["message"],
        "additionalProperties": False,
    },
}

_REQUEST_ID = {
    "name": "x-fabric-request-id",
    "in": "header",
    "required": False,
    "description": "Echoed on the answer and the correlation id of its logs when it is 1-128 of "
    "A-Z a-z 0-9 . _ : - (else a fresh id is used).",
    "schema": {"type": "string"},
}
_TENANT_ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]{24}$"}


@dataclass(frozen=True)
class DialectDoc:
    """What a dialect (``offers.api.resolver.Dialect``) adds to each of its operations."""

    headers: tuple[dict[str, Any], ...]
    error_schema: str
    # Statuses the dialect's own authorizer code answers too (in error_schema), besides API Gateway.
    own_gateway_statuses: tuple[int, ...] = ()


DIALECTS: dict[str, DialectDoc] = {
    "fabric": DialectDoc(
        headers=(
            {
                "name": "x-fabric-tenant-id",
                "in": "header",
                "required": True,
                "description": "The tenant; must be the token's (403 otherwise).",
                "schema": _TENANT_ID,
            },
            {
                "name": "x-fabric-channel-id",
                "in": "header",
                "required": False,
                "description": "Sales channel (12 = US, 13 = Canada); absent or empty: 12.",
                "schema": {"type": "string", "pattern": "^([0-9]{1,10})?$", "default": "12"},
            },
            _REQUEST_ID,
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "POST /redemptions answers a retry with the same key and body once "
                "(else the request id serves); other routes check its form only.",
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"},
            },
        ),
        error_schema=FABRIC_ERROR,
    ),
    "fabric-v2": DialectDoc(
        headers=(
            {
                "name": "x-site-context",
                "in": "header",
                "required": True,
                "description": 'JSON: {"account": "<tenant, the token\'s>", "channel": 12, ...}.',
                "schema": {"type": "string"},
                "example": '{"account": "000000000000000000000001", "channel": 12}',
            },
            _REQUEST_ID,
        ),
        error_schema=FABRIC_ERROR,
    ),
    # Credentials travel as the security scheme's X-App-Id / X-App-Token headers.
    # Its functions check the app key again and answer a 401 in Voucherify's format.
    "voucherify": DialectDoc(headers=(), error_schema=VOUCHERIFY_ERROR, own_gateway_statuses=(401,)),
}

_UNKNOWN_DIALECT = DialectDoc(headers=(), error_schema=ANY_ERROR)

_COMMON_ERRORS = {
    400: "Bad request: a header, parameter or body field is invalid (details name each)",
    403: "The token is not valid for the tenant named by the request",
    503: "Busy (throttled or contended): retry after Retry-After seconds",
}
_BODY_ERRORS = {
    413: "The body is too large",
    415: "The body is not application/json",
}
_GATEWAY_ANSWERS = {401: "No or bad credentials (API Gateway)"}
# Error bodies a route answers besides its dialect's (same status, either body).
_ROUTE_ERROR_SCHEMAS: dict[str, dict[int, str]] = {
    "POST /prices/batch": {400: DATA_ERROR},  # some entries failed, the others were saved
}
_PARAM = re.compile(r"\{([^}]+)\}")


def _shape(path: str) -> str:
    return _PARAM.sub("{}", path)


def _template() -> Template:
    document = load_template()
    missing = {
        name: _PLACEHOLDER for name, spec in document.get("Parameters", {}).items() if "Default" not in spec
    }
    return Template(document, parameters=missing)


def _resolver_of(spec: FunctionSpec) -> Any:
    module = load_module(spec)
    found = [value for value in vars(module).values() if isinstance(value, ApiGatewayResolver)]
    if len(found) != 1:
        raise SystemExit(
            f"{spec.logical_id}: expected one Powertools resolver in its handler, found {len(found)}"
        )
    return module, found[0]


def _powertools_route(resolver: Any, route: Route) -> Any:
    for candidate in resolver._static_routes + resolver._dynamic_routes:
        if candidate.method == route.method and _shape(candidate.openapi_path) == _shape(route.path):
            return candidate
    raise SystemExit(f"{route.function_id}: its handler has no route for {route.route_key} (template.yaml)")


@dataclass
class _Operation:
    route: Route
    spec: FunctionSpec
    module: Any
    resolver: Any
    powertools_route: Any


def _operations(template: Template) -> list[_Operation]:
    operations = []
    for spec in template.functions().values():
        if not spec.routes:
            continue
        module, resolver = _resolver_of(spec)
        for route in spec.routes:
            operations.append(_Operation(route, spec, module, resolver, _powertools_route(resolver, route)))
    return sorted(operations, key=lambda o: (o.route.path, o.route.method))


def _powertools_document(operations: list[_Operation]) -> dict[str, Any]:
    merged = APIGatewayHttpResolver(enable_validation=True)
    for operation in operations:
        bucket = merged._dynamic_routes if operation.powertools_route.rule.groups else merged._static_routes
        bucket.append(operation.powertools_route)
    return json.loads(merged.get_openapi_json_schema(title=TITLE))


def _security_schemes(template: Template) -> dict[str, dict[str, Any]]:
    """A bearer scheme for an Authorization authorizer, an API key scheme per other header."""
    schemes = {}
    for name, authorizer in template.authorizers().items():
        for scheme_name, scheme in _schemes_of(name, authorizer.identity_headers).items():
            schemes[scheme_name] = scheme
    return schemes


def _schemes_of(name: str, identity_headers: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    if identity_headers == ("authorization",):
        return {
            name: {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "Verified by the Lambda authorizer (JWKS, issuer, audience, expiry); "
                "its tenant claim is the tenant the request may act for.",
            }
        }
    return {
        f"{name}.{header}": {
            "type": "apiKey",
            "in": "header",
            "name": header,
            "description": f"Checked by the Lambda authorizer {name}, with "
            f"{', '.join(h for h in identity_headers if h != header) or 'nothing else'}.",
        }
        for header in identity_headers
    }


def _security(template: Template, route: Route) -> list[dict[str, list[str]]]:
    if not route.authorizer:
        return []
    authorizer = template.authorizers()[route.authorizer]
    return [{scheme: [] for scheme in _schemes_of(route.authorizer, authorizer.identity_headers)}]


def _docstring(module: Any) -> tuple[str, str]:
    """'POST /x: do this.\\n\\nMore.' -> ('do this.', 'More.')"""
    text = (module.__doc__ or "").strip()
    first, _, rest = text.partition("\n\n")
    first = " ".join(first.split())
    summary = first.split(": ", 1)[1] if ": " in first else first
    return summary, " ".join(rest.split())


def _error_content(schema: str, *others: str) -> dict[str, Any]:
    refs = [{"$ref": f"#/components/schemas/{name}"} for name in (schema, *others)]
    return {"application/json": {"schema": refs[0] if len(refs) == 1 else {"anyOf": refs}}}


def _rename_path_parameters(operation: dict[str, Any], powertools_path: str, path: str) -> None:
    renamed = dict(zip(_PARAM.findall(powertools_path), _PARAM.findall(path), strict=True))
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            parameter["name"] = renamed[parameter["name"]]
            parameter["schema"].pop("title", None)


def _finish_operation(
    document_operation: dict[str, Any],
    operation: _Operation,
    dialect: DialectDoc,
    security: list[dict[str, list[str]]],
) -> dict[str, Any]:
    route = operation.route
    summary, description = _docstring(operation.module)
    result: dict[str, Any] = {
        "tags": [operation.spec.code_dir.name],
        "summary": summary,
        "operationId": operation.spec.logical_id.removesuffix("Function"),
    }
    if description:
        result["description"] = description
    _rename_path_parameters(document_operation, operation.powertools_route.openapi_path, route.path)
    result["parameters"] = list(dialect.headers) + document_operation.get("parameters", [])
    has_body = "requestBody" in document_operation
    if has_body:
        result["requestBody"] = document_operation["requestBody"]

    result["responses"] = _responses(document_operation["responses"], route, dialect, has_body=has_body)
    result["security"] = security
    return result


def _responses(
    generated: dict[str, dict[str, Any]], route: Route, dialect: DialectDoc, *, has_body: bool
) -> dict[str, Any]:
    """The route's own answers, the errors every route can give, each in its error format."""
    responses: dict[int, dict[str, Any]] = {
        int(status): answer
        for status, answer in generated.items()
        if answer.get("description") != "Validation Error"  # Powertools' own 422; ours is 400
    }
    if 204 in responses:
        responses[204].pop("content", None)
    for status, text in {**_COMMON_ERRORS, **(_BODY_ERRORS if has_body else {})}.items():
        responses.setdefault(status, {"description": text})
    route_errors = _ROUTE_ERROR_SCHEMAS.get(route.route_key, {})
    for status, answer in responses.items():
        if status >= 400:
            extra = [route_errors[status]] if status in route_errors else []
            answer["content"] = _error_content(dialect.error_schema, *extra)
    if route.authorizer:
        for status, text in _GATEWAY_ANSWERS.items():
            if status in dialect.own_gateway_statuses:
                answer = {"description": f"{text} or the function's"}
                answer["content"] = _error_content(GATEWAY_ERROR, dialect.error_schema)
            else:
                answer = {"description": text, "content": _error_content(GATEWAY_ERROR)}
            responses[status] = answer
    if has_body:  # API Gateway answers 413 itself for a body over 10 MB
        responses[413]["content"] = _error_content(dialect.error_schema, GATEWAY_ERROR)
    for status in (s for s in responses if s < 400 or s == 503):
        headers = {"x-fabric-request-id": {"schema": {"type": "string"}}}
        if status == 503:
            headers["Retry-After"] = {"schema": {"type": "string"}, "description": "seconds"}
        responses[status]["headers"] = headers
    return {str(status): responses[status] for status in sorted(responses)}


def _bound_field(
    parameter: str, segment: str, source_path: str, model: str, properties: dict[str, Any]
) -> str | None:
    """Which field of a created resource fills a path parameter, if any.

    ``{id}`` after ``/things`` is the ``id`` of a thing made by ``POST /things``, else a
    ``thingId`` field (a redemption's ``promotionId``); ``{exportId}`` is an ``exportId``
    field; ``{generationId}`` is the ``id`` of a ``CodeGeneration``.
    """
    if parameter == "id":
        if source_path == f"/{segment}" and "id" in properties:
            return "id"
        singular = re.sub(r"-(\w)", lambda m: m.group(1).upper(), segment.removesuffix("s"))
        return f"{singular}Id" if f"{singular}Id" in properties else None
    if parameter in properties:
        return parameter
    if parameter.endswith("Id") and parameter[:-2].lower() in model.lower() and "id" in properties:
        return "id"
    return None


def _link_created_resources(paths: dict[str, dict[str, Any]], schemas: dict[str, Any]) -> None:
    """An answer that creates something (201/202) links to every operation whose path
    parameters its fields fill (schemathesis follows these links in its stateful phase)."""
    for source_path, item in paths.items():
        for status in ("201", "202"):
            created = item.get("post", {}).get("responses", {}).get(status)
            if not created or not created.get("content"):
                continue
            model = created["content"]["application/json"]["schema"].get("$ref", "").rsplit("/", 1)[-1]
            properties = schemas.get(model, {}).get("properties", {})
            links = {}
            for path, path_item in paths.items():
                bound = {}
                for segment, parameter in re.findall(r"/([^/{}]+)/\{([^}]+)\}", path):
                    bound[parameter] = _bound_field(parameter, segment, source_path, model, properties)
                if not bound or None in bound.values():
                    continue
                for operation in path_item.values():
                    links[operation["operationId"]] = {
                        "operationId": operation["operationId"],
                        "parameters": {p: f"$response.body#/{field}" for p, field in bound.items()},
                    }
            if links:
                created["links"] = dict(sorted(links.items()))


def build_document(template: Template | None = None) -> dict[str, Any]:
    template = template or _template()
    operations = _operations(template)
    generated = _powertools_document(operations)
    paths: dict[str, dict[str, Any]] = {}
    for operation in operations:
        resolver_dialect = getattr(operation.resolver, "dialect", None)
        dialect_name = getattr(resolver_dialect, "name", None)
        if dialect_name not in DIALECTS:
            print(  # still one command after a merge; the warning says what to add
                f"warning: {operation.route.function_id}: dialect {dialect_name!r} has no headers or error "
                "body in local/openapi.py DIALECTS; its errors are documented as any JSON object",
                file=sys.stderr,
            )
        method = operation.route.method.lower()
        document_operation = generated["paths"][operation.powertools_route.openapi_path][method]
        paths.setdefault(operation.route.path, {})[method] = _finish_operation(
            document_operation,
            operation,
            DIALECTS.get(dialect_name, _UNKNOWN_DIALECT),
            _security(template, operation.route),
        )

    schemas = generated.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(unused, None)
    used = json.dumps(paths)
    schemas.update({name: schema for name, schema in _ERROR_SCHEMAS.items() if f'/{name}"' in used})
    _link_created_resources(paths, schemas)
    return {
        "openapi": generated["openapi"],
        "info": {
            "title": TITLE,
            "version": _version(),
            "description": "Generated by `make openapi` from the handlers and template.yaml; do not edit.",
        },
        "servers": [{"url": "http://127.0.0.1:3000", "description": "make serve"}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": _security_schemes(template),
        },
    }


def _version() -> str:
    found = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    return found.group(1) if found else "0"


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/openapi.json is stale")
    parser.add_argument("--output", type=Path, default=DOCUMENT_PATH)
    args = parser.parse_args(argv)
    text = render(build_document())
    if args.check:
        current = args.output.read_text() if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale: run `make openapi`", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text)
    print(f"wrote {args.output.relative_to(ROOT)}: {sum(len(p) for p in document_paths(text))} operations")
    return 0


def document_paths(text: str) -> list[dict[str, Any]]:
    return list(json.loads(text)["paths"].values())


if __name__ == "__main__":
    sys.exit(main())
