"""Coupons (promotions applied by code), their codes, and code generation jobs."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from offers.models.base import ApiModel, ObjectId, RequestModel, Timestamp
from offers.models.pages import CursorPage
from offers.models.promotions import PromotionInput

CODE_PATTERN = r"^[A-Za-z0-9_-]{2,64}$"
MAX_CODE_LENGTH = 64
MAX_EXPLICIT_CODES = 1000
MAX_GENERATED_CODES = 1_000_000

CouponCode = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
UserId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
CodeAffix = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]*$", max_length=12)]


class CouponInput(PromotionInput):
    """Body of POST /coupons and PUT /coupons/{id}: a promotion applied by code."""

    is_implicit: Literal[False] = False
    coupon_codes: list[CouponCode] = Field(default_factory=list, max_length=MAX_EXPLICIT_CODES)

    @field_validator("coupon_codes")
    @classmethod
    def _unique_codes(cls, codes: list[str]) -> list[str]:
        if len(set(codes)) != len(codes):
            raise ValueError("codes must be unique")
        return codes


class CodeStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    REDEEMED = "REDEEMED"  # every use of the code is taken


class CouponCodeRecord(ApiModel):
    """One code, stored under its own key so it is unique per tenant."""

    model_config = {"extra": "ignore"}

    code: str
    promotion_id: ObjectId
    status: CodeStatus = CodeStatus.ACTIVE
    user_id: str | None = None
    uses: int = 0
    generation_id: str | None = None
    created_at: Timestamp
    updated_at: Timestamp


class CouponCodeView(ApiModel):
    code: str
    promotion_id: str
    status: CodeStatus
    user_id: str | None
    uses: int
    created_at: Timestamp
    updated_at: Timestamp


class CouponCodePage(CursorPage):
    """``GET /coupons/codes`` and ``/coupons/{id}/codes``, as documented."""

    model_config = {"defer_build": True}  # only the API document and its checks build it

    data: list[CouponCodeView]


class CodeUpdate(RequestModel):
    """Body of PUT /coupons/{id}/codes/{code}: assign to a customer (null unassigns), (de)activate."""

    user_id: UserId | None = None
    status: Literal[CodeStatus.ACTIVE, CodeStatus.INACTIVE] | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give userId and/or status")
        return self


class Charset(StrEnum):
    """Character sets for random codes. The default leaves out look-alikes (0/O, 1/I/L)."""

    UNAMBIGUOUS = "UNAMBIGUOUS"
    ALPHANUMERIC = "ALPHANUMERIC"
    ALPHABETIC = "ALPHABETIC"
    NUMERIC = "NUMERIC"


CHARSETS = {
    Charset.UNAMBIGUOUS: "ABCDEFGHJKMNPQRSTUVWXYZ23456789",
    Charset.ALPHANUMERIC: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    Charset.ALPHABETIC: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    Charset.NUMERIC: "0123456789",
}
# A random code space at least this many times the number of codes keeps clashes rare and
# codes unguessable (the chance to guess a valid code is below 1 in this factor).
MIN_CODE_SPACE_FACTOR = 1_000_000


class GenerationType(StrEnum):
    SEQUENTIAL = "SEQUENTIAL"  # prefix + (start + 1) ... prefix + (start + count)
    RANDOM = "RANDOM"  # prefix + random characters + suffix


class CodeGenerationSpec(RequestModel):
    """How codes are made (stored with a generation job, so a retried job makes the same kind)."""

    type: GenerationType = GenerationType.SEQUENTIAL
    # Checked even when absent: sequential codes need one (a 400 naming it, not a 500 later).
    prefix: CodeAffix = Field("", validate_default=True)
    suffix: CodeAffix = ""
    start: int = Field(0, ge=0, le=10**15)
    count: int = Field(ge=1, le=MAX_GENERATED_CODES)
    charset: Charset = Charset.UNAMBIGUOUS
    length: int = Field(10, ge=4, le=32, validate_default=True)

    @field_validator("prefix")
    @classmethod
    def _sequential_codes_need_a_prefix(cls, prefix: str, info: ValidationInfo) -> str:
        if info.data.get("type") == GenerationType.SEQUENTIAL and len(prefix) < 2:
            raise ValueError("sequential codes need a prefix of 2 to 12 characters")
        return prefix

    @field_validator("length")
    @classmethod
    def _codes_fit(cls, length: int, info: ValidationInfo) -> int:
        """Checked on the last field, when every other one is known."""
        data = info.data
        if not {"type", "prefix", "suffix", "start", "count", "charset"} <= data.keys():
            return length  # another field is already invalid
        if data["type"] == GenerationType.SEQUENTIAL:
            longest = len(data["prefix"]) + len(str(data["start"] + data["count"])) + len(data["suffix"])
        else:
            if len(CHARSETS[Charset(data["charset"])]) ** length < data["count"] * MIN_CODE_SPACE_FACTOR:
                raise ValueError(
                    f"{length} characters of {data['charset']} are too few for {data['count']} unguessable "
                    "codes; use a larger length or charset"
                )
            longest = len(data["prefix"]) + length + len(data["suffix"])
        if longest > MAX_CODE_LENGTH:
            raise ValueError(f"codes would be longer than {MAX_CODE_LENGTH} characters")
        return length


class CodeGenerationRequest(CodeGenerationSpec):
    """Body of POST /coupons/actions/generate-codes. Without couponId the codes are only made
    up and returned (at most 1000), to be used in a coupon's couponCodes."""

    coupon_id: ObjectId | None = None


class GenerationStatus(StrEnum):
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class GenerationError(ApiModel):
    type: str
    message: str


class CodeGeneration(ApiModel):
    """A code generation job and its progress."""

    model_config = {"extra": "ignore"}

    id: str
    coupon_id: ObjectId
    status: GenerationStatus
    spec: CodeGenerationSpec
    requested: int
    generated: int = 0
    errors: list[GenerationError] = Field(default_factory=list)
    created_at: Timestamp
    updated_at: Timestamp
    completed_at: Timestamp | None = None
    codes: list[str] | None = None  # only in the answer of a generation done within the request


class GeneratedCodes(ApiModel):
    """Answer of generate-codes without a coupon: codes to use in couponCodes."""

    codes: list[str]
