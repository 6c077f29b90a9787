"""``make emulator``: an AWS emulator for ``sam local invoke`` and ``sam local start-api``.

moto's HTTP server on loopback holding the template's table, bucket and state machine, with
the data the sample events in events/ refer to. Prints ``ENDPOINT=...`` (pass it as the
template's LocalEndpointUrl) and writes the ``--env-vars`` file for SAM: events/env.json's
variables, with a key set that accepts both the events' sample token and ``make token``'s.
Runs until SIGINT or SIGTERM; all data lives in memory.

Step Functions records export executions without running them: their tasks are Lambda
functions in SAM's containers, which moto can't call (``make serve`` runs exports).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import threading
from pathlib import Path

from local import devtokens
from local.aws import EmbeddedAwsServer
from local.functions import ensure_layer_on_path
from local.samples import SAMPLE_PROMOTION_ID, SAMPLE_TENANT_ID, sample_environment, seed_sample_data
from local.stack import LOCAL_PARAMETERS
from local.template import ROOT, Template

DEFAULT_PORT = 4566
SAM_ENV_FILE = ROOT / ".local" / "sam-env.json"
PID_FILE = ROOT / ".local" / "emulator.pid"


def start_emulator(port: int = 0) -> EmbeddedAwsServer:
    """The emulator with the sample data stored; this process's AWS calls go to it."""
    ensure_layer_on_path()
    template = Template(parameters=LOCAL_PARAMETERS)
    aws = EmbeddedAwsServer(template, port=port, run_state_machines=False).start()
    os.environ.update({**sample_environment(), "AWS_ENDPOINT_URL": aws.endpoint_url})
    seed_sample_data()
    return aws


def sam_environment() -> dict[str, str]:
    """events/env.json's variables, the authorizer trusting the sample key and the dev key."""
    environment = sample_environment()
    sample_keys = json.loads(environment["JWKS_JSON"])["keys"]
    dev_keys = devtokens.jwks(devtokens.load_or_create_key())["keys"]
    environment["JWKS_JSON"] = json.dumps({"keys": [*sample_keys, *dev_keys]})
    return environment


def write_sam_environment(path: Path = SAM_ENV_FILE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"Parameters": sam_environment()}, indent=2) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("EMULATOR_PORT", DEFAULT_PORT)))
    args = parser.parse_args()

    env_file = write_sam_environment()
    aws = start_emulator(args.port)
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    PID_FILE.write_text(f"{os.getpid()}\n")
    print(
        f"ENDPOINT={aws.endpoint_url}\n"
        f"SAM_ENV_FILE={env_file.relative_to(ROOT)}\n"
        f"OFFERS_TENANT_ID={SAMPLE_TENANT_ID}\n"
        f"SAMPLE_PROMOTION_ID={SAMPLE_PROMOTION_ID}\n"
        f"[emulator] moto holds the table, the bucket and the sample data; Step Functions records "
        f"executions without running them. Stop: kill $(cat {PID_FILE.relative_to(ROOT)})",
        flush=True,
    )
    stopped.wait()
    aws.stop()
    PID_FILE.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
