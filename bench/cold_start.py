"""Cold start: import time of every function's handler module, as a ratio to ``import boto3``.

Each measurement runs in a fresh interpreter (what a Lambda cold start pays for imports),
rounds interleave all modules so machine noise hits them alike, and the median of the runs
is reported. Times are the interpreter's CPU time (user + system), not wall time: on a
shared machine other processes stretch wall time by whatever they happen to run, while an
import's CPU time is its own. The baseline, ``import boto3``, is measured in the same rounds.
Goal: every ratio <= 1.5, every HTTP handler <= 1.35.

The second figure adds what the first request then pays once per container: creating the
DynamoDB client (botocore's import and model loading), which handlers defer to first use.

Usage: python bench/cold_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local.template import Template  # noqa: E402

LAYER = ROOT / "layers" / "common" / "python"
GOAL = 1.5
HTTP_GOAL = 1.35  # stretch goal for functions behind an HTTP API route

_PROBE = """
import os, sys, time
sys.path[:0] = {paths!r}
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
# The function's environment from template.yaml, as Lambda sets it.
os.environ.update({environment!r})
start = time.process_time()
{statement}
imported = time.process_time()
{after}
done = time.process_time()
print(imported - start, done - start)
"""


def measure(
    statement: str, paths: list[str], after: str = "pass", environment: dict[str, str] | None = None
) -> tuple[float, float]:
    code = _PROBE.format(paths=paths, statement=statement, after=after, environment=environment or {})
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    first, second = out.split()
    return float(first), float(second)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    template = Template(parameters={"TokenIssuer": "x", "JwksUrl": "https://x"})
    functions = template.functions()
    targets = {"import boto3 (baseline)": ("import boto3", [], "pass", {})}
    for logical_id, spec in sorted(functions.items()):
        client = "from offers.store.clients import dynamodb; dynamodb()"
        paths = [str(LAYER), str(spec.code_dir)]
        targets[logical_id] = (f"import {spec.module}", paths, client, spec.environment)

    for target in targets.values():  # warm the OS cache and .pyc files once
        measure(*target)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in targets}
    for _ in range(args.runs):
        for name, target in targets.items():
            samples[name].append(measure(*target))

    baseline = statistics.median(s[0] for s in samples["import boto3 (baseline)"])
    print(f"python {sys.version.split()[0]}, {args.runs} fresh interpreters per module, medians")
    print(f"baseline: import boto3 = {baseline * 1000:.1f} ms\n")
    print(f"{'function':34} {'import ms':>10} {'ratio':>7} {'+client ms':>11} {'ratio':>7}")
    worst, worst_http = 0.0, 0.0
    for name in targets:
        if name.startswith("import boto3"):
            continue
        imported = statistics.median(s[0] for s in samples[name])
        with_client = statistics.median(s[1] for s in samples[name])
        ratio = imported / baseline
        worst = max(worst, ratio)
        is_http = bool(functions[name].routes)
        if is_http:
            worst_http = max(worst_http, ratio)
        flag = "" if ratio <= GOAL else "  <-- over goal"
        if not flag and is_http and ratio > HTTP_GOAL:
            flag = "  <-- over HTTP stretch goal"
        print(
            f"{name:34} {imported * 1000:10.1f} {ratio:7.2f} {with_client * 1000:11.1f} "
            f"{with_client / baseline:7.2f}{flag}"
        )
    print(f"\nworst import ratio {worst:.2f} (goal <= {GOAL}): {'met' if worst <= GOAL else 'NOT met'}")
    print(
        f"worst HTTP handler ratio {worst_http:.2f} (stretch goal <= {HTTP_GOAL}): "
        f"{'met' if worst_http <= HTTP_GOAL else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
