"""fabric's DATA_ERROR body for batch requests whose entries fail one by one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from offers.api.errors import status_for
from offers.errors import OffersError
from offers.models.base import ApiModel


def data_error(
    failures: Sequence[tuple[int, OffersError]], total: int, saved: Sequence[ApiModel]
) -> dict[str, Any]:
    """``{type: DATA_ERROR, details, errors: [{type, instance, name, detail, status}], data}``:
    ``instance`` points at the entry (and field) that failed, ``data`` holds what was saved."""
    errors = []
    for index, error in failures:
        problems = error.problems or [None]
        for problem in problems:
            field = problem.field if problem else ""
            errors.append(
                {
                    "type": error.code,
                    "instance": f"/data/{index}"
                    + ("/" + field.replace(".", "/").replace("[", "/").replace("]", "") if field else ""),
                    "name": field or "data",
                    "detail": problem.message if problem else error.message,
                    "status": status_for(error),
                }
            )
    return {
        "type": "DATA_ERROR",
        "details": f"{len(failures)} of {total} entries failed; the others were saved",
        "errors": errors,
        "data": [record.model_dump(mode="json", by_alias=True) for record in saved],
    }
