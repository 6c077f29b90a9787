"""Run a script in the SAM CLI's venv (.venv-sam), where samcli and its Flask live."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from local.template import ROOT

SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"


def run_in_sam_cli(script: str, *args: str) -> Any:
    """The JSON value the script prints last."""
    if not SAM_PYTHON.exists():
        pytest.skip("needs the SAM CLI venv (make .venv-sam/.installed)")
    run = subprocess.run(
        [str(SAM_PYTHON), "-c", script, *args],
        capture_output=True,
        text=True,
        check=True,
        env={"SAM_CLI_TELEMETRY": "0", "PATH": "/usr/bin:/bin"},
    )
    return json.loads(run.stdout.strip().splitlines()[-1])
