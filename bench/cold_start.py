"""Cold start: import time of every function's handler module, as a ratio to ``import boto3``.

Each measurement runs in a fresh interpreter (what a Lambda cold start pays for imports),
rounds interleave all modules so machine noise hits them alike, and the median of the runs
is reported. Times are the interpreter's CPU time (user + system), not wall time: on a
shared machine other processes stretch wall time by whatever they happen to run, while an
import's CPU time is its own. The baseline, ``import boto3``, is measured in the same rounds.
Goal: every ratio <= 1.5, every HTTP handler <= 1.35.

The code is imported as Lambda gets it: a copy of the layer's ``offers`` package and of the
functions' code, with bytecode compiled the way the layer build compiles it (``make build``,
``compileall --invalidation-mode unchecked-hash``), like the third-party packages'. Without
this, an environment with ``PYTHONDONTWRITEBYTECODE=1`` (or a read-only checkout) would
compile every ``offers`` module from source in every run, a cost a layer with bytecode never
pays. ``--no-bytecode`` measures exactly that case instead: a layer shipped as sources only
(the layer build's fallback when the target interpreter is missing).

The second figure adds what the first request then pays once per container: creating the
DynamoDB client (botocore's import and model loading), which handlers defer to first use.

Usage: python bench/cold_start.py [--runs N] [--only NAME ...] [--no-bytecode]
"""

from __future__ import annotations

import argparse
import compileall
import os
import py_compile
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local.template import Template  # noqa: E402

LAYER = ROOT / "layers" / "common" / "python"
GOAL = 1.5
HTTP_GOAL = 1.35  # stretch goal for functions behind an HTTP API route
BASELINE = "import boto3 (baseline)"

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
    # Bytecode is never written while measuring: the copy has what the mode asks for.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    first, second = out.split()
    return float(first), float(second)


def deployed_copy(workdir: Path, with_bytecode: bool) -> Path:
    """The layer's ``offers`` package and the functions' code as a deployment carries them."""
    no_caches = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(LAYER / "offers", workdir / "layer" / "offers", ignore=no_caches)
    shutil.copytree(ROOT / "functions", workdir / "functions", ignore=no_caches)
    if with_bytecode:
        unchecked = py_compile.PycInvalidationMode.UNCHECKED_HASH
        for tree in (workdir / "layer", workdir / "functions"):
            compileall.compile_dir(tree, quiet=1, invalidation_mode=unchecked)
    return workdir


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="measure only functions whose logical id contains NAME (case-insensitive; repeatable)",
    )
    parser.add_argument(
        "--no-bytecode", action="store_true", help="import the code from sources (a layer without bytecode)"
    )
    args = parser.parse_args()

    template = Template(parameters={"TokenIssuer": "x", "JwksUrl": "https://x"})
    functions = {
        logical_id: spec
        for logical_id, spec in sorted(template.functions().items())
        if not args.only or any(name.lower() in logical_id.lower() for name in args.only)
    }
    if not functions:
        parser.error(f"no function matches {args.only}")
    with tempfile.TemporaryDirectory(prefix="cold-start-") as workdir:
        copy = deployed_copy(Path(workdir), with_bytecode=not args.no_bytecode)
        targets = {BASELINE: ("import boto3", [], "pass", {})}
        for logical_id, spec in functions.items():
            client = "from offers.store.clients import dynamodb; dynamodb()"
            code_dir = copy / spec.code_dir.relative_to(ROOT)
            targets[logical_id] = (
                f"import {spec.module}",
                [str(copy / "layer"), str(code_dir)],
                client,
                spec.environment,
            )

        for target in targets.values():  # warm the OS cache once
            measure(*target)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in targets}
        for _ in range(args.runs):
            for name, target in targets.items():
                samples[name].append(measure(*target))

    baseline = statistics.median(s[0] for s in samples[BASELINE])
    code_form = "sources only (no bytecode)" if args.no_bytecode else "with bytecode"
    print(f"python {sys.version.split()[0]}, {args.runs} fresh interpreters per module, medians, {code_form}")
    print(f"baseline: import boto3 = {baseline * 1000:.1f} ms\n")
    print(f"{'function':36} {'import ms':>10} {'ratio':>7} {'+client ms':>11} {'ratio':>7}")
    ratios: dict[str, float] = {}
    for name, spec in functions.items():
        imported = statistics.median(s[0] for s in samples[name])
        with_client = statistics.median(s[1] for s in samples[name])
        ratio = ratios[name] = imported / baseline
        flag = ""
        if ratio > GOAL:
            flag = "  <-- over goal"
        elif spec.routes and ratio > HTTP_GOAL:
            flag = "  <-- over HTTP stretch goal"
        print(
            f"{name:36} {imported * 1000:10.1f} {ratio:7.2f} {with_client * 1000:11.1f} "
            f"{with_client / baseline:7.2f}{flag}"
        )
    http = {name: ratio for name, ratio in ratios.items() if functions[name].routes}
    worst = max(ratios, key=ratios.__getitem__)
    print(
        f"\nworst import ratio {ratios[worst]:.2f} ({worst}), goal <= {GOAL}: "
        f"{'met' if ratios[worst] <= GOAL else 'NOT met'}; "
        f"{sum(r > GOAL for r in ratios.values())} of {len(ratios)} functions over {GOAL}"
    )
    if http:
        worst_http = max(http, key=http.__getitem__)
        print(
            f"worst HTTP handler ratio {http[worst_http]:.2f} ({worst_http}), stretch goal <= {HTTP_GOAL}: "
            f"{'met' if http[worst_http] <= HTTP_GOAL else 'NOT met'}; "
            f"{sum(r > HTTP_GOAL for r in http.values())} of {len(http)} HTTP handlers over {HTTP_GOAL}"
        )


if __name__ == "__main__":
    main()
