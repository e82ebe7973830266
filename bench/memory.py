"""Peak memory of each function: its import in a fresh interpreter, plus what a representative
invocation adds (a sample event of `events/`, run in-process on the local stack).

`python -m bench.memory` prints the table that `infra/memory_sizes.py` records (MEASURED_PEAK_MB).
Linux `ru_maxrss` is in KiB. The invocation's share is the growth of the process's peak across the
invocation (the local stack's own peak, moto included, is reached before it): a lower bound, hence
the headroom of the sizing rule.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.run import ROOT  # importing it sets the bench environment (fake credentials, EU region)

# A representative request of each API function that has a sample event (events/).
SAMPLES = {
    "contact_messages": "contact_messages/post_valid.json",
    "cookie_consents": "cookie_consents/post.json",
    "newsletter": "newsletter/post_subscription.json",
    "professionals": "professionals/post_valid.json",
    "quote_requests": "quote_requests/post_valid.json",
    "rights_requests": "rights_requests/post_erasure.json",
    "trades": "trades/get.json",
}

IMPORT_PEAK = """
import importlib.util, resource
s = importlib.util.spec_from_file_location("app", {app!r})
m = importlib.util.module_from_spec(s); s.loader.exec_module(m)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

INVOCATION_GROWTH = """
import json, resource
from tests import conftest  # noqa: F401 - the suite's fake credentials and region
import moto
from jaqe_dev.stack import MOTO_CONFIG, LocalStack
with moto.mock_aws(config=MOTO_CONFIG):
    stack = LocalStack()
    logical = stack.lambdas.logical_id({name!r})
    stack.lambdas.resolver_of(logical)  # imported before the first measure
    event = json.loads(open({event!r}).read())
    stack.lambdas.invoke(logical, event)  # the first request makes clients, reads the secret
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(3):
        stack.lambdas.invoke(logical, event)
    print(max(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before))
"""


def _run(code: str, env: dict[str, str]) -> int:
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def peaks() -> dict[str, dict[str, int]]:
    from jaqe_dev.template import INBOUND_STACK, MAIN_STACK, SynthesizedStack

    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'layers' / 'jaqe' / 'python'}"}
    found = {}
    for stack in (MAIN_STACK, INBOUND_STACK):
        for spec in SynthesizedStack(stack=stack).functions().values():
            variables = {k: v if isinstance(v, str) else "x" for k, v in spec.environment.items()}
            imported = _run(IMPORT_PEAK.format(app=str(spec.code_dir / "app.py")), {**env, **variables})
            sample = SAMPLES.get(spec.name)
            growth = (
                _run(INVOCATION_GROWTH.format(name=spec.name, event=str(ROOT / "events" / sample)), env)
                if sample
                else 0
            )
            found[spec.name] = {"import_kib": imported, "invocation_kib": growth}
            print(spec.name, found[spec.name], file=sys.stderr)
    return found


def main() -> None:
    found = peaks()
    (ROOT / "bench" / "memory.json").write_text(json.dumps(found, indent=2) + "\n")
    for name, peak in sorted(found.items()):
        total = (peak["import_kib"] + peak["invocation_kib"] + 1023) // 1024
        print(f'    "{name}": {total},')


if __name__ == "__main__":
    main()
