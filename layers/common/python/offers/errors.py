"""Domain errors. Services and the store raise these; the api layer maps each to HTTP once.

Every error carries a stable ``code`` (the fabric error ``type``), a human message, and for
input problems the offending field path. Nothing here knows about HTTP status codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class OffersError(Exception):
    """Base of every error the service reports to a client on purpose."""

    code = "BAD_REQUEST"

    def __init__(self, message: str, *, code: str | None = None, problems: list[FieldProblem] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.problems: list[FieldProblem] = problems or []


class InvalidInput(OffersError):
    """The request is malformed: a field is missing, of the wrong type or out of range."""

    code = "REQUEST_VALIDATION"

    @classmethod
    def for_field(cls, field_path: str, message: str, *, code: str | None = None) -> InvalidInput:
        return cls(f"{field_path}: {message}", code=code, problems=[FieldProblem(field_path, message)])


class MissingTenant(OffersError):
    code = "TENANT_HEADER_REQUIRED"


class NotAuthenticated(OffersError):
    code = "UNAUTHORIZED"


class Forbidden(OffersError):
    code = "FORBIDDEN"


class NotFound(OffersError):
    code = "NOT_FOUND"


class Conflict(OffersError):
    """The request is well-formed but clashes with stored state (duplicate, wrong state, ...)."""

    code = "CONFLICT"


class Unprocessable(OffersError):
    """Well-formed, but a business rule refuses it (e.g. the promotion is not active)."""

    code = "UNPROCESSABLE"


class LimitReached(OffersError):
    """A usage limit (per code, per customer, site-wide) would be exceeded."""

    code = "LIMIT_REACHED"


class PayloadTooLarge(InvalidInput):
    """Valid field by field, but too large to store as one record."""

    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(OffersError):
    """The request body is not JSON (by its Content-Type)."""

    code = "UNSUPPORTED_MEDIA_TYPE"


class TemporarilyUnavailable(OffersError):
    """A transient failure (throttling, a transaction conflict) outlived the retries within the
    request; nothing was written, and the client may retry after ``retry_after`` seconds."""

    code = "SERVICE_UNAVAILABLE"

    def __init__(self, message: str, *, retry_after: int = 1):
        super().__init__(message)
        self.retry_after = retry_after


QUOTE_LIMIT = 100


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """Caller input as an error message quotes it: repr-quoted, cut to ``limit`` characters."""
    text = str(value)
    if len(text) > limit:
        return repr(text[:limit]) + f"... ({len(text)} characters)"
    return repr(text)


@dataclass
class ProblemList:
    """Collects several field problems before raising one InvalidInput."""

    problems: list[FieldProblem] = field(default_factory=list)

    def add(self, field_path: str, message: str) -> None:
        self.problems.append(FieldProblem(field_path, message))

    def raise_if_any(self, code: str | None = None) -> None:
        if self.problems:
            summary = "; ".join(f"{p.field}: {p.message}" for p in self.problems)
            raise InvalidInput(summary, code=code, problems=list(self.problems))
