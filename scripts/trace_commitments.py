"""Traceability: every promise of the privacy policy (C1-01 .. C7-10) must have a test naming it.

Reads the ids from ../shared/spec/commitments.md (or the copy in docs/ when ../shared is
absent), finds test functions whose name carries an id (`test_c3_07_...`, several ids may
follow each other: `test_c3_11_c3_12_...`), prints the table id -> tests, and exits 1 when
an id has none. With --report it only prints.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT.parent / "shared" / "spec" / "commitments.md", ROOT / "docs" / "commitments.md"]
COMMITMENT = re.compile(r"^- (C\d-\d{2}) ", re.MULTILINE)
IN_NAME = re.compile(r"c(\d)_(\d{2})")


def commitment_ids() -> list[str]:
    source = next(path for path in SOURCES if path.exists())
    return COMMITMENT.findall(source.read_text())


def tests_by_id() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_"):
                for chapter, number in IN_NAME.findall(node.name):
                    found.setdefault(f"C{chapter}-{number}", []).append(
                        f"{path.relative_to(ROOT)}::{node.name}"
                    )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", action="store_true", help="print the table without failing")
    args = parser.parse_args()
    ids, tests = commitment_ids(), tests_by_id()
    missing = [i for i in ids if i not in tests]
    for commitment in ids:
        names = tests.get(commitment, [])
        print(f"{commitment}  {len(names):2d}  {names[0] if names else 'MISSING'}")
        for name in names[1:]:
            print(f"{'':8}{name}")
    print(f"{len(ids) - len(missing)}/{len(ids)} commitments have a test naming them")
    if missing and not args.report:
        print("missing: " + ", ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
