"""Cold start of every function against the floor of DESIGN's budget, in whole fresh interpreters.

The floor is what any API function pays before its own code: `import boto3, pydantic` and
Powertools' Logger, Tracer, Metrics and REST resolver, each set up once (no BatchProcessor). Floor
and function runs alternate, so that whatever else the machine does weighs on both alike; each
function's ratio is the median of its pairs' ratios, and its spread the pairs' middle half (25th to
75th percentile): on a shared machine a pair's ratio moves by a few hundredths, so a median within
the spread of the target is not decided by one run (more pairs narrow it: COLD_START_PAIRS=15).
Time is the child's CPU time (user + system), its peak memory the child's `ru_maxrss`, both from
`wait4` (`ru_maxrss` counts the pages the child shares with its parent until it starts Python:
`make bench` measures cold starts first, while the parent is small).

    python bench/cold_start.py [function ...]     # a table; `make bench` calls `cold_starts()`
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAYER = ROOT / "layers" / "jaqe" / "python"
PAIRS = int(os.environ.get("COLD_START_PAIRS", "7"))
TARGET_RATIO = 1.15

FLOOR = (
    "import boto3, pydantic\n"
    "from aws_lambda_powertools import Logger, Metrics, Tracer\n"
    "from aws_lambda_powertools.event_handler import APIGatewayRestResolver\n"
    "Logger(); Metrics(namespace='JAQE'); Tracer(); APIGatewayRestResolver()\n"
)


def _function_code(app: Path) -> str:
    return (
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('app', {str(app)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
    )


def _run(code: str, env: dict[str, str]) -> tuple[float, int]:
    """The interpreter's CPU seconds (user + system) from start to exit, and its peak memory in KiB.
    CPU time, not wall time: on a shared machine the wait for a core would swamp the imports."""
    child = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode() if child.stderr else ""
    if child.returncode:
        raise RuntimeError(f"cold start run failed:\n{errors[-2000:]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def _environment() -> dict[str, str]:
    """Bytecode cached in `.build/pycache` (warmed by a first, untimed run): `.venv` is installed
    without it (uv) and the environment may say PYTHONDONTWRITEBYTECODE, which would time the
    compiler instead of the imports."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {
        **env,
        "PYTHONPYCACHEPREFIX": str(ROOT / ".build" / "pycache"),
        "PYTHONPATH": str(LAYER),
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_REGION": "eu-west-3",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }


def measure(app: Path, variables: dict[str, str], pairs: int = PAIRS) -> dict[str, Any]:
    env = _environment()
    function_env = {**env, **variables}
    floors: list[tuple[float, int]] = []
    runs: list[tuple[float, int]] = []
    _run(FLOOR, env)
    _run(_function_code(app), function_env)
    for _ in range(pairs):
        floors.append(_run(FLOOR, env))
        runs.append(_run(_function_code(app), function_env))
    ratios = [f[0] / floor[0] for f, floor in zip(runs, floors, strict=True)]
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
    return {
        "seconds": round(statistics.median(s for s, _ in runs), 3),
        "floor_seconds": round(statistics.median(s for s, _ in floors), 3),
        "ratio": round(statistics.median(ratios), 2),
        "spread": [round(quartiles[0], 2), round(quartiles[2], 2)],
        "peak_mib": round(max(kib for _, kib in runs) / 1024, 1),
        "floor_peak_mib": round(max(kib for _, kib in floors) / 1024, 1),
    }


def functions() -> dict[str, tuple[Path, dict[str, str]]]:
    """Each function's handler module in the working tree (`functions/<service name>/app.py`), with
    the environment the synthesised templates give it (both stacks)."""
    from jaqe_dev.template import INBOUND_STACK, MAIN_STACK, SynthesizedStack

    found = {}
    for stack in (MAIN_STACK, INBOUND_STACK):
        for spec in SynthesizedStack(stack=stack).functions().values():
            variables = {k: v if isinstance(v, str) else "x" for k, v in spec.environment.items()}
            found[spec.name] = (ROOT / "functions" / spec.name / "app.py", variables)
    return found


def cold_starts(only: list[str] | None = None, pairs: int = PAIRS) -> dict[str, Any]:
    results = {
        name: measure(app, variables, pairs)
        for name, (app, variables) in sorted(functions().items())
        if not only or name in only
    }
    return {
        "floor": FLOOR.strip().splitlines(),
        "pairs": pairs,
        "target_ratio": TARGET_RATIO,
        "floor_seconds": round(statistics.median(r["floor_seconds"] for r in results.values()), 3),
        "floor_peak_mib": max(r["floor_peak_mib"] for r in results.values()),
        "functions": results,
    }


def table(figures: dict[str, Any]) -> list[str]:
    lines = [
        f"Floor: {figures['floor_seconds']} s, {figures['floor_peak_mib']} MiB "
        f"(median of {figures['pairs']} pairs, alternated with each function).",
        "",
        "| function | import s | / floor | middle half of pairs | peak MiB |",
        "|---|---|---|---|---|",
    ]
    for name, result in sorted(figures["functions"].items(), key=lambda kv: -kv[1]["ratio"]):
        over = " (over)" if result["ratio"] > figures["target_ratio"] else ""
        low, high = result["spread"]
        lines.append(
            f"| {name} | {result['seconds']} | {result['ratio']}{over} | {low}–{high} | {result['peak_mib']} |"
        )
    return lines


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    measured = cold_starts(sys.argv[1:] or None)
    print("\n".join(table(measured)))
    if os.environ.get("COLD_START_JSON"):
        Path(os.environ["COLD_START_JSON"]).write_text(json.dumps(measured, indent=2))
