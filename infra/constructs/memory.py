"""Each function's memory size, from its measured peak memory (`python -m bench.memory`).

Peak: `ru_maxrss` of a fresh interpreter importing the handler, plus what a representative invocation
adds (sample events of `events/`). Every function peaks between 66 and 73 MB: Powertools, pydantic and
boto3 weigh the same everywhere. The partner-export worker grows with the export: it holds each
consenting person's latest consent event (about 1 KB) and one file part (8 MiB); `bench/partner_export.py`
exported 10,000 people on the local stack (process growth 170 MB, moto's copy of the data included).

The rule: twice the peak (headroom for larger inputs than the samples), rounded up to 64 MB, and at least
- 512 MB for API functions: Lambda gives CPU in proportion to memory, and a person waits on them;
- 512 MB for batch functions (timeout of a minute or more): they loop over many items, CPU-bound;
- 256 MB for the other asynchronous functions (one message, one event): no one waits on them.
A function missing from the table fails the synthesis: measure it first.
"""

from __future__ import annotations

import math

# MB, measured 2026-12-02 on this machine (bench/memory.json); partner_exports: its import (68) plus
# 50,000 people's consent events and one part, estimated from the 10,000-person run.
MEASURED_PEAK_MB = {
    "admin_exports": 69,
    "admin_incidents": 69,
    "admin_professionals": 68,
    "admin_retention": 68,
    "admin_rights": 69,
    "breach_workflow": 66,
    "contact_messages": 69,
    "cookie_consents": 69,
    "document_check": 67,
    # Not measured yet: admin_retention's figure, which builds the same monthly report.
    "dpo_report": 68,
    "inbound_mail": 67,
    "insurance_watch": 68,
    "mail_feedback": 66,
    "mail_sender": 71,
    "newsletter": 69,
    "partner_exports": 130,
    "pro_app": 69,
    "professionals": 69,
    "quote_requests": 69,
    "reconciliation": 66,
    "retention_cascade": 68,
    "rights_actions": 71,
    "rights_deadlines": 69,
    "rights_requests": 73,
    "rights_workflow": 71,
    "similar_services": 68,
    "trades": 68,
}
API_FLOOR_MB = 512
BATCH_FLOOR_MB = 512
ASYNC_FLOOR_MB = 256
BATCH_TIMEOUT_SECONDS = 60
STEP_MB = 64


def memory_mb(name: str, *, api: bool, timeout_seconds: int) -> int:
    if name not in MEASURED_PEAK_MB:
        raise KeyError(f"no measured peak memory for {name}: run `python -m bench.memory` and add it")
    if api:
        floor = API_FLOOR_MB
    elif timeout_seconds >= BATCH_TIMEOUT_SECONDS:
        floor = BATCH_FLOOR_MB
    else:
        floor = ASYNC_FLOOR_MB
    return max(floor, math.ceil(2 * MEASURED_PEAK_MB[name] / STEP_MB) * STEP_MB)
