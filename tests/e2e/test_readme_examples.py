"""The README's curl examples work as written, against the running local server."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from local.template import ROOT
from tests.e2e.conftest import LocalServer


def readme_curl_block() -> str:
    text = (ROOT / "README.md").read_text()
    return re.search(r"## Try it with curl.*?```sh\n(.*?)```", text, re.S).group(1)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_given_the_readme_curl_block_when_run_with_bash_then_every_call_answers_as_shown(
    local_server: LocalServer,
):
    script = readme_curl_block().replace("http://127.0.0.1:3000", local_server.url)
    command = ["bash", "-euo", "pipefail", "-c", script]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)
    assert run.returncode == 0, run.stderr
    created = json.JSONDecoder().raw_decode(run.stdout)[0]
    assert created["name"] == "Black Friday 20% off shoes"
    assert created["status"] == "SCHEDULED"
    assert '"isEnabled":false' in run.stdout
    assert '"query":{"size":10,"offset":0,"count":1}' in run.stdout  # the v3 search found it ...
    assert '"query":{"limit":10,"offset":0,"count":1}' in run.stdout  # ... and the v2 one
    assert '"title":"Black Friday 20% off shoes"' in run.stdout
    assert re.search(r"export [0-9a-f]{24}: COMPLETED\n", run.stdout)
    assert "\nredemptionId,orderId,promotionId,promotionName,couponCode," in run.stdout  # the CSV's header
    assert run.stdout.rstrip().endswith("204")
