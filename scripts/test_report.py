"""The end of `make test`: the 15 slowest tests and one closing line for every phase together.

Usage: test_report.py JUNIT_XML... [--summary-only]
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SLOWEST = 15


def main(argv: list[str]) -> int:
    summary_only = "--summary-only" in argv
    cases = [
        case
        for path in argv
        if not path.startswith("--") and Path(path).exists()
        for case in ET.parse(path).getroot().iter("testcase")  # noqa: S314
    ]
    outcome = {"passed": 0, "failed": 0, "skipped": 0}
    for case in cases:
        kinds = {child.tag for child in case}
        key = "failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"
        outcome[key] += 1
    if not summary_only:
        print(f"\n{SLOWEST} slowest tests:")
        for case in sorted(cases, key=lambda c: -float(c.get("time", 0)))[:SLOWEST]:
            print(f"  {float(case.get('time', 0)):7.1f} s  {case.get('classname')}::{case.get('name')}")
    print(f"total: {outcome['passed']} passed, {outcome['failed']} failed, {outcome['skipped']} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
