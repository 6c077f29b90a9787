"""What every function's handler imports at import time (cold start), and what it must not.

``bench/cold_start.py`` measures import times; these tests guard, without timing anything,
what the measured trims rest on: a handler that starts importing one of these modules again
fails here, naming it. Each handler of template.yaml is imported in a fresh process of its
own (forked from one that imported only the third-party packages every handler needs, which
none of the watched modules is), with its template environment.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from importlib.machinery import PathFinder
from pathlib import Path

import pydantic.plugin
import pytest

from local.functions import LAYER_PATH
from local.template import Template
from offers.pydantic_plugins import LOADER_MODULE

# No function imports these at import time.
NEVER = {
    "importlib.metadata": "pydantic's plugin scan (offers.pydantic_plugins)",
    "asyncio": "Powertools' eager event_handler package: take its names from offers.api",
    "aws_lambda_powertools.event_handler.appsync": "Powertools' eager event_handler package",
    "boto3": "an AWS client created at import (offers.store.clients)",
    "botocore.session": "an AWS client created at import (offers.store.clients)",
    "botocore.client": "an AWS client created at import (offers.store.clients)",
    "concurrent.futures": "only export planning samples in parallel (ExportSource.plan)",
}
# Imported at import time only by these functions (their routes use it on every request).
ONLY_BY = {
    # The export field tables: /v1 export requests; ids come from offers.services.voucherify_ids.
    "offers.services.voucherify_fields": {
        "VoucherifyCreateExportFunction",
        "VoucherifyDeleteExportFunction",
        "VoucherifyExportCampaignTransactionsFunction",
        "VoucherifyExportLoyaltyTransactionsFunction",
        "VoucherifyExportMemberTransactionsFunction",
        "VoucherifyExportPointsExpirationFunction",
        "VoucherifyExportProgramMemberTransactionsFunction",
        "VoucherifyExportVoucherTransactionsFunction",
        "VoucherifyGetExportFunction",
        "VoucherifyListExportsFunction",
    },
    "offers.services.price_engine": {
        "EvaluateCartFunction",
        "EvaluateProductsByIdFunction",
        "EvaluateProductsBySkuFunction",
    },
}
# Loaded once before forking: what every handler imports, none of it watched.
SHARED = (
    "pydantic",
    "pydantic.main",
    "pydantic.fields",
    "pydantic._internal._generate_schema",
    "pydantic.json_schema",
    "aws_lambda_powertools.logging",
    "aws_lambda_powertools.metrics",
    "botocore.exceptions",
)

_PROBE = """
import importlib, importlib.util, json, os, sys
functions = json.loads(sys.stdin.read())
watched, shared = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sys.path.insert(0, sys.argv[3])
for name in shared:
    importlib.import_module(name)
preloaded = sorted(name for name in watched if name in sys.modules)
assert not preloaded and "pydantic.plugin._loader" not in sys.modules, preloaded
found = {}
for function in functions:
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.close(read_end)
        os.environ.update(function["environment"])
        spec = importlib.util.spec_from_file_location("_fn_" + function["id"], function["path"])
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        os.write(write_end, json.dumps([name for name in watched if name in sys.modules]).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as answer:
        found[function["id"]] = json.loads(answer.read() or "null")
    os.wait()
print(json.dumps(found))
"""


def _imported(bytecode_dir: Path) -> dict[str, list[str]]:
    """function -> the watched modules its handler's import loaded."""
    functions = Template(parameters={"TokenIssuer": "x", "JwksUrl": "https://x"}).functions()
    described = [
        {
            "id": logical_id,
            "path": str(spec.code_dir / f"{spec.module.replace('.', '/')}.py"),
            "environment": {"AWS_DEFAULT_REGION": "us-east-1", **spec.environment},
        }
        for logical_id, spec in sorted(functions.items())
    ]
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            _PROBE,
            json.dumps(sorted({*NEVER, *ONLY_BY})),
            json.dumps(SHARED),
            str(LAYER_PATH),
        ],
        input=json.dumps(described),
        capture_output=True,
        text=True,
        check=True,
        # Bytecode in a scratch directory: each module is compiled once, not once per handler.
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("PYDANTIC_", "PYTHONDONTWRITEBYTECODE"))
            },
            "PYTHONPYCACHEPREFIX": str(bytecode_dir),
        },
    ).stdout
    found = json.loads(out)
    failed = sorted(name for name, modules in found.items() if modules is None)
    assert not failed, f"these handlers failed to import: {failed}"
    return found


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict[str, list[str]]:
    return _imported(tmp_path_factory.mktemp("bytecode"))


def importers(imported: dict[str, list[str]], module: str) -> list[str]:
    return sorted(function for function, modules in imported.items() if module in modules)


@pytest.mark.parametrize("module", sorted(NEVER))
def test_given_every_handler_when_imported_then_none_imports_what_no_route_needs_at_import(imported, module):
    assert importers(imported, module) == [], NEVER[module]


@pytest.mark.parametrize("module", sorted(ONLY_BY))
def test_given_every_handler_when_imported_then_only_the_routes_that_use_a_module_import_it(imported, module):
    assert set(importers(imported, module)) <= ONLY_BY[module]


def test_given_the_probe_when_a_handler_imports_a_watched_module_then_it_is_seen(imported):
    """The probe itself: the price engine's handlers do import the price engine."""
    assert set(importers(imported, "offers.services.price_engine")) == ONLY_BY["offers.services.price_engine"]


_PLUGINS_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import offers  # installs the deferred plugin loader
from pydantic import BaseModel

class Order(BaseModel):
    total: int

Order(total=1)
import pydantic.plugin._loader as loader
deferred = "importlib.metadata" not in sys.modules
plugins = list(loader.get_plugins())
scanned = "importlib.metadata" in sys.modules
group = loader.PYDANTIC_ENTRY_POINT_GROUP
print(json.dumps({"deferred": deferred, "plugins": len(plugins), "scanned": scanned, "group": group}))
"""


def _plugin_probe(disable: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if disable is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = disable
    out = subprocess.run(
        [sys.executable, "-c", _PLUGINS_PROBE, str(LAYER_PATH)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    return json.loads(out)


@pytest.mark.parametrize("disable", ["true", "1", "__all__"])
def test_given_plugins_disabled_when_a_model_validates_then_no_entry_point_is_read(disable):
    found = _plugin_probe(disable)
    assert (found["deferred"], found["plugins"], found["scanned"]) == (True, 0, False)
    assert found["group"] == "pydantic"  # the module's other names are pydantic's own


def test_given_plugins_enabled_when_a_model_validates_then_pydantic_scans_its_entry_points():
    found = _plugin_probe(None)
    assert found["scanned"] is True and found["deferred"] is False


def test_given_plugins_disabled_then_pydantics_own_loader_also_finds_none(monkeypatch):
    """The deferred loader answers for pydantic's: check pydantic still answers the same."""
    spec = PathFinder.find_spec(LOADER_MODULE, pydantic.plugin.__path__)
    real = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(real)
    for value in ("true", "1", "__all__"):
        monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", value)
        assert tuple(real.get_plugins()) == ()
