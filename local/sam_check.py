"""``make sam-local-check``: every event in events/ through ``sam local invoke``, in the Lambda container.

Needs a Docker daemon and the stand-in Lambda image (see ../shared/tools/sam-local/README.md
and the README's "sam local invoke" section). Starts moto as an embedded server on loopback,
points the functions at it with the template's LocalEndpointUrl parameter, stores the data
the events refer to before each invocation, and compares each result with
events/expected-status.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from local.aws import FAKE_CREDENTIALS, EmbeddedAwsServer
from local.functions import ensure_layer_on_path
from local.samples import EVENTS_DIR, answer_matches, expected_answers, sample_environment, seed_sample_data
from local.stack import LOCAL_PARAMETERS
from local.template import ROOT, Template

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runtime", default="python3.13", help="the stand-in image's runtime")
    parser.add_argument("--template", default=str(ROOT / ".aws-sam" / "build" / "template.yaml"))
    parser.add_argument("--sam", default=str(SAM_HOSTNET))
    parser.add_argument("functions", nargs="*", help="only these functions (default: all)")
    args = parser.parse_args()

    ensure_layer_on_path()
    aws = EmbeddedAwsServer(Template(parameters=LOCAL_PARAMETERS)).start()
    environment = sample_environment()
    os.environ.update({**environment, "AWS_ENDPOINT_URL": aws.endpoint_url})
    overrides = {
        **LOCAL_PARAMETERS,
        "Architecture": "x86_64",
        "PythonRuntime": args.runtime,
        "LocalEndpointUrl": aws.endpoint_url,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as env_file:
        json.dump({"Parameters": environment}, env_file)

    failures = 0
    wanted = expected_answers()
    selected = args.functions or sorted(wanted)
    for function_id in selected:
        seed_sample_data()
        command = [
            args.sam, "local", "invoke", function_id,
            "--template", args.template,
            "--event", str(EVENTS_DIR / f"{function_id}.json"),
            "--env-vars", env_file.name,
            "--parameter-overrides", " ".join(f"{k}={v}" for k, v in overrides.items()),
        ]  # fmt: skip
        run = subprocess.run(
            command, capture_output=True, text=True, env={**os.environ, **FAKE_CREDENTIALS}, check=False
        )
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
    Path(env_file.name).unlink()
    aws.stop()
    print(f"\n{len(selected) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
