"""Making coupon codes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from offers.models.coupons import CHARSETS, CodeGenerationSpec
from offers.services.codes import random_codes, sequential_codes


def test_given_fabrics_example_then_sequential_codes_start_after_start():
    spec = CodeGenerationSpec(prefix="SPRING", start=200, count=10)
    assert list(sequential_codes(spec)) == [f"SPRING{n}" for n in range(201, 211)]


def test_given_a_skip_then_sequential_codes_resume_where_a_job_stopped():
    spec = CodeGenerationSpec(prefix="AB", start=0, count=5, suffix="-Z")
    assert list(sequential_codes(spec, skip=3)) == ["AB4-Z", "AB5-Z"]


@pytest.mark.parametrize("charset", list(CHARSETS))
def test_given_a_charset_then_random_codes_use_only_it_and_are_distinct(charset):
    spec = CodeGenerationSpec(type="RANDOM", count=500, length=12, charset=charset, prefix="P", suffix="S")
    codes = random_codes(spec, 500)
    assert len(set(codes)) == 500
    assert all(set(code[1:-1]) <= set(CHARSETS[charset]) and len(code) == 14 for code in codes)


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"prefix": "A", "count": 1}, "prefix"),
        ({"type": "RANDOM", "count": 10_000, "length": 6, "charset": "NUMERIC"}, "length"),
        ({"type": "RANDOM", "count": 1, "length": 32, "prefix": "A" * 12, "suffix": "B" * 12}, None),
        ({"prefix": "A" * 12, "start": 10**15, "count": 1, "suffix": "Z" * 12}, None),
        ({"prefix": "AB", "count": 1, "suffix": "bad suffix"}, "suffix"),
    ],
)
def test_given_a_spec_then_it_is_refused_exactly_when_codes_would_be_invalid(spec, field):
    if field is None:
        CodeGenerationSpec.model_validate(spec)
        return
    with pytest.raises(ValidationError) as caught:
        CodeGenerationSpec.model_validate(spec)
    assert field in {error["loc"][0] for error in caught.value.errors()}
