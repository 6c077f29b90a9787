"""The Powertools resolver every HTTP function uses: one dialect, one error mapping.

Before routing it establishes the request context (tenant header checked against the
authorizer's principal), so tenancy is settled before the body is even parsed. Every
response, errors included, echoes the request id, and every log line carries it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from offers.api.body import json_body_event, parse_json_object
from offers.api.context import (
    REQUEST_ID_HEADER,
    RequestContext,
    fabric_context,
    request_id_from,
    site_context,
)
from offers.api.errors import INTERNAL_ERROR, fabric_error_body, status_for, validation_failure
from offers.api.responses import json_response
from offers.errors import NotFound, OffersError, TemporarilyUnavailable
from offers.observability import logger, metrics


@dataclass(frozen=True)
class Dialect:
    """How one API family names its tenant and shapes its errors."""

    name: str
    context: Callable[[Mapping[str, Any], str], RequestContext]
    error_body: Callable[[OffersError], dict[str, Any]]
    request_id_header: str = REQUEST_ID_HEADER


# Headers an error answered before routing carries (a Response's own are richer).
_PASSED_HEADERS = ("Content-Type", "Retry-After")
# Ids are 24 characters and codes at most 64: a longer path segment names nothing we store,
# and is never sent on to become a key.
MAX_PATH_PARAMETER_CHARS = 128


def check_path_parameters(event: Mapping[str, Any]) -> None:
    for name, value in (event.get("pathParameters") or {}).items():
        if len(value) > MAX_PATH_PARAMETER_CHARS:
            limit = MAX_PATH_PARAMETER_CHARS
            raise NotFound(f"no {name} of {len(value)} characters exists (at most {limit})")


FABRIC = Dialect("fabric", fabric_context, fabric_error_body)
FABRIC_SITE_CONTEXT = Dialect("fabric-v2", site_context, fabric_error_body)


class OffersResolver(APIGatewayHttpResolver):
    def __init__(self, dialect: Dialect = FABRIC):
        super().__init__(enable_validation=True, json_body_deserializer=parse_json_object)
        self.dialect = dialect
        self.exception_handler(OffersError)(self._domain_error)
        self.exception_handler(RequestValidationError)(self._validation_error)
        self.exception_handler(NotFoundError)(self._route_not_found)
        self.exception_handler(Exception)(self._unexpected_error)

    # -- request context ------------------------------------------------------------------

    @property
    def request_context(self) -> RequestContext:
        return self.context["request_context"]

    @property
    def tenant_id(self) -> str:
        return self.request_context.tenant_id

    @property
    def idempotency_key(self) -> str | None:
        return self.request_context.idempotency_key

    # -- entry point ----------------------------------------------------------------------

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        headers = event.get("headers") or {}
        request_id = request_id_from(headers)
        logger.set_correlation_id(request_id)
        try:
            request_context = self.dialect.context(event, request_id)
            check_path_parameters(event)
            event = json_body_event(event)
        except OffersError as error:
            response = self._build_response_dict(self._domain_error(error))
        else:
            logger.append_keys(tenant_id=request_context.tenant_id)
            self.append_context(request_context=request_context)
            response = super().resolve(event, context)
        response.setdefault("headers", {})[self.dialect.request_id_header] = request_id
        return response

    @cached_property
    def lambda_handler(self) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
        """The Lambda entry point: Powertools logging context and metrics around ``resolve``."""

        @logger.inject_lambda_context(clear_state=True)
        @metrics.log_metrics
        def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            return self.resolve(event, context)

        return handler

    # -- errors ---------------------------------------------------------------------------

    def _error_response(self, status: int, body: dict[str, Any]) -> Response:
        return json_response(status, body)

    def _domain_error(self, error: OffersError) -> Response:
        status = status_for(error)
        logger.info("request refused", status=status, error_type=error.code, error=error.message)
        response = self._error_response(status, self.dialect.error_body(error))
        if isinstance(error, TemporarilyUnavailable):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    def _validation_error(self, error: RequestValidationError) -> Response:
        return self._domain_error(validation_failure(error.errors()))

    def _route_not_found(self, _: NotFoundError) -> Response:
        return self._domain_error(NotFound("no such route", code="NOT_FOUND"))

    def _unexpected_error(self, error: Exception) -> Response:
        # A bug: log it with its stack and answer in the dialect's own format.
        logger.exception("unhandled error", error_class=type(error).__name__)
        failure = OffersError("an internal error occurred; quote the request id", code=INTERNAL_ERROR)
        return self._error_response(500, self.dialect.error_body(failure))

    def _build_response_dict(self, response: Response) -> dict[str, Any]:
        return {
            "statusCode": response.status_code,
            "headers": {name: value for name, value in response.headers.items() if name in _PASSED_HEADERS},
            "body": response.body,
            "isBase64Encoded": False,
        }
