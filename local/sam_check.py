"""``make sam-local-check``: every event in events/ through ``sam local invoke``, then a few
routes through ``sam local start-api`` (authorizer included), in the Lambda containers.

Needs a Docker daemon and the stand-in Lambda image (see ../shared/tools/sam-local/README.md
and the README's "sam local invoke" section). Starts the emulator of ``make emulator`` (moto
on loopback with the sample data), points the functions at it only through the template's
LocalEndpointUrl parameter, as a user does (SAM itself runs with the caller's environment:
no AWS_ENDPOINT_URL, no credentials), stores the data the events refer to again before each
invocation, and compares each result with events/expected-status.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from local.emulator import start_emulator
from local.functions import ensure_layer_on_path
from local.sam_api_check import check_api
from local.samples import EVENTS_DIR, answer_matches, expected_answers, seed_sample_data
from local.stack import LOCAL_PARAMETERS
from local.template import ROOT

SAM_HOSTNET = ROOT.parent / "shared" / "tools" / "sam-local" / "sam-hostnet"


def _result_of(output: str) -> dict:
    """The function's JSON result: the last line of sam's stdout that parses as a JSON object."""
    for line in reversed(output.strip().splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    raise ValueError(f"no JSON result in sam output:\n{output}")


def _invoke_events(args: argparse.Namespace, overrides: str, sam_environment: dict[str, str]) -> int:
    """Every selected event through `sam local invoke`; the number of failures."""
    failures = 0
    wanted = expected_answers()
    selected = args.functions or sorted(wanted)
    for function_id in selected:
        seed_sample_data()
        command = [
            args.sam, "local", "invoke", function_id,
            "--template", args.template,
            "--event", str(EVENTS_DIR / f"{function_id}.json"),
            "--env-vars", str(EVENTS_DIR / "env.json"),
            "--parameter-overrides", overrides,
        ]  # fmt: skip
        run = subprocess.run(command, capture_output=True, text=True, env=sam_environment, check=False)
        try:
            result = _result_of(run.stdout)
            ok = answer_matches(wanted[function_id], result)
            shown = result.get("statusCode", result)
        except ValueError:
            ok, shown = False, f"no result (exit {run.returncode})"
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {function_id:28} expected {wanted[function_id]!s:12} got {shown}")
        if not ok:
            sys.stderr.write(run.stdout[-3000:] + run.stderr[-3000:] + "\n")
    print(f"\n{len(selected) - failures} passed, {failures} failed", flush=True)
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runtime", default="python3.13", help="the stand-in image's runtime")
    parser.add_argument("--template", default=str(ROOT / ".aws-sam" / "build" / "template.yaml"))
    parser.add_argument("--sam", default=str(SAM_HOSTNET))
    parser.add_argument("--no-api", action="store_true", help="skip the `sam local start-api` routes")
    parser.add_argument("functions", nargs="*", help="only these functions (default: all)")
    args = parser.parse_args()

    ensure_layer_on_path()
    # SAM gives a template variable the caller's shell value over the parameter's: a user's
    # shell has no AWS_ENDPOINT_URL, so SAM must not get the one this process points at moto.
    sam_environment = {
        name: value for name, value in os.environ.items() if not name.startswith("AWS_ENDPOINT_URL")
    }
    aws = start_emulator()
    overrides = {
        **LOCAL_PARAMETERS,
        "Architecture": "x86_64",
        "PythonRuntime": args.runtime,
        "LocalEndpointUrl": aws.endpoint_url,
    }
    overrides_text = " ".join(f"{k}={v}" for k, v in overrides.items())
    try:
        failures = _invoke_events(args, overrides_text, sam_environment)
        if not args.no_api and not args.functions:
            sam_python = os.environ.get("SAM_PY") or str(ROOT / ".venv-sam" / "bin" / "python")
            failures += check_api(sam_python, args.template, overrides_text, sam_environment)
    finally:
        aws.stop()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
