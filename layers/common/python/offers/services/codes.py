"""Making coupon codes: sequential (as fabric makes them) and random (unguessable)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from offers.models.coupons import CHARSETS, Charset, CodeGenerationSpec, GenerationType


def sequential_codes(spec: CodeGenerationSpec, *, skip: int = 0) -> Iterator[str]:
    """prefix SPRING, start 200, count 10 -> SPRING201 ... SPRING210 (after ``skip`` of them)."""
    for number in range(spec.start + 1 + skip, spec.start + spec.count + 1):
        yield f"{spec.prefix}{number}{spec.suffix}"


def random_code(spec: CodeGenerationSpec) -> str:
    alphabet = CHARSETS[Charset(spec.charset)]
    return spec.prefix + "".join(secrets.choice(alphabet) for _ in range(spec.length)) + spec.suffix


def random_codes(spec: CodeGenerationSpec, count: int) -> list[str]:
    """``count`` distinct random codes."""
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(random_code(spec))
    return list(codes)


def is_sequential(spec: CodeGenerationSpec) -> bool:
    return spec.type == GenerationType.SEQUENTIAL
