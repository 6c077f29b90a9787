"""Loading and invoking the template's functions in this process, as Lambda would.

Each function's handler module is loaded from its CodeUri under a private module name (two
functions may both have a ``create.py``); the shared layer is on sys.path as it is at /opt
in Lambda. Each function's environment from the template is applied for its invocation.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from local.template import LOCAL_ACCOUNT, LOCAL_REGION, ROOT, FunctionSpec

LAYER_PATH = ROOT / "layers" / "common" / "python"

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds
        self.log_group_name = f"/aws/lambda/{self.function_name}"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{LOCAL_REGION}:{LOCAL_ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def ensure_layer_on_path() -> None:
    if str(LAYER_PATH) not in sys.path:
        sys.path.insert(0, str(LAYER_PATH))


_load_lock = threading.Lock()


def load_module(spec: FunctionSpec) -> ModuleType:
    ensure_layer_on_path()
    name = f"_offers_fn_{spec.logical_id}"
    with _load_lock:
        if name in sys.modules:
            return sys.modules[name]
        path = spec.code_dir / f"{spec.module.replace('.', '/')}.py"
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        module_spec.loader.exec_module(module)
        return module


class FunctionError(Exception):
    """A function invocation failed; ``str()`` is the error message, as Lambda reports it."""

    def __init__(self, error_type: str, message: str, trace: str = ""):
        super().__init__(message)
        self.error_type = error_type
        self.trace = trace


class LocalFunctions:
    """Invokes the template's functions in-process, by logical id or by name/ARN."""

    def __init__(self, specs: dict[str, FunctionSpec], environment_overrides: dict[str, str] | None = None):
        self.specs = specs
        self.environment_overrides = environment_overrides or {}
        self.apply_environment()

    def apply_environment(self) -> None:
        """Every function's environment, merged: all functions share this one process.

        Two functions giving one variable different values would make that impossible, so
        that is refused rather than silently picking one.
        """
        merged: dict[str, str] = {}
        for spec in self.specs.values():
            for key, value in spec.environment.items():
                if key in merged and merged[key] != value and key not in self.environment_overrides:
                    raise ValueError(f"functions disagree on environment variable {key}")
                merged[key] = value
        merged.update(self.environment_overrides)
        os.environ.update(merged)

    @staticmethod
    def find(specs: dict[str, FunctionSpec], name_or_arn: str) -> FunctionSpec:
        """A function by logical id, function name or ARN (qualifiers ignored)."""
        name = name_or_arn.rsplit(":function:", maxsplit=1)[-1].split(":", maxsplit=1)[0]
        if name in specs:
            return specs[name]
        for spec in specs.values():
            if spec.name == name:
                return spec
        raise KeyError(f"no function {name_or_arn}")

    def spec(self, name_or_arn: str) -> FunctionSpec:
        return self.find(self.specs, name_or_arn)

    def handler(self, logical_id: str) -> Handler:
        spec = self.specs[logical_id]
        return getattr(load_module(spec), spec.attribute)

    def invoke(self, name_or_arn: str, event: Any) -> Any:
        spec = self.spec(name_or_arn)
        context = LambdaContext(spec.name, spec.memory, spec.timeout)
        return getattr(load_module(spec), spec.attribute)(event, context)
