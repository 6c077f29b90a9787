"""``sam`` for ``sam local start-api`` with this project's HTTP API (run it with .venv-sam's python).

The shared tool's host networking (../shared/tools/sam-local/sam_hostnet.py), plus one fix of
SAM CLI's API Gateway emulation: API Gateway HTTP APIs lowercase header names in payload 2.0
events (the functions' and the authorizer's), SAM CLI passes them as Flask spells them
(``Authorization``, ``X-Fabric-Tenant-Id``; aws/aws-sam-cli#2726, #3208). The functions read
headers as AWS sends them, so without this every request fails the authorizer.

    .venv-sam/bin/python local/sam_http_api.py local start-api [sam options...]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

TOOL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "tools" / "sam-local"


def _lowercase_http_api_headers() -> None:
    from samcli.local.apigw import event_constructor  # noqa: PLC0415 - only in .venv-sam

    spelled_by_flask = event_constructor._event_http_headers

    def lowercased(flask_request: Any, port: int) -> dict[str, str]:
        return {name.lower(): value for name, value in spelled_by_flask(flask_request, port).items()}

    event_constructor._event_http_headers = lowercased


def main() -> int:
    # What the tool's sam-hostnet wrapper sets: nothing can be pulled, containers on the host network.
    os.environ.setdefault("SAM_CLI_TELEMETRY", "0")
    os.environ.setdefault("SAM_SKIP_PULL_IMAGE", "1")
    os.environ.setdefault("SAM_DOCKER_NETWORK", "host")
    sys.path.insert(0, str(TOOL_DIR))
    import sam_hostnet  # noqa: F401, PLC0415 - patches the docker SDK on import

    _lowercase_http_api_headers()
    from samcli.cli.main import cli  # noqa: PLC0415

    sys.argv[0] = "sam"
    return cli()


if __name__ == "__main__":
    sys.exit(main())
