"""Handlers import only the Powertools resolver and event class they use (cold start), and
every other name of those packages still works."""

from __future__ import annotations

import json
import subprocess
import sys

from local.functions import LAYER_PATH
from local.template import ROOT

_PROBE = """
import json, sys
sys.path[:0] = [{layer!r}, {code!r}]
import get_promotion
loaded = sorted(sys.modules)
from aws_lambda_powertools.event_handler import AppSyncResolver, Response, content_types
from aws_lambda_powertools.utilities.data_classes import SQSEvent, event_source
print(json.dumps({{
    "asyncio": "asyncio" in loaded,
    "appsync": any(m.startswith("aws_lambda_powertools.event_handler.appsync") for m in loaded),
    "sqs": any(m.endswith("data_classes.sqs_event") for m in loaded),
    "names": [AppSyncResolver.__name__, Response.__name__, content_types.__name__, SQSEvent.__name__,
              event_source.__name__],
    "handler_is_lazy": get_promotion.app.__class__.__module__,
}}))
"""


def test_given_a_handler_when_imported_then_other_resolvers_stay_unloaded_and_still_importable():
    probe = _PROBE.format(layer=str(LAYER_PATH), code=str(ROOT / "functions" / "promotions"))
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    found = json.loads(out)
    assert (found["asyncio"], found["appsync"], found["sqs"]) == (False, False, False)
    assert found["names"] == [
        "AppSyncResolver",
        "Response",
        "aws_lambda_powertools.event_handler.content_types",
        "SQSEvent",
        "_event_source",
    ]
    assert found["handler_is_lazy"] == "offers.api.resolver"
