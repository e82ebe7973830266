"""RFC 9457 problem documents for the local-only endpoints, in French like the API's own."""

from __future__ import annotations

import json
from typing import Any

PROBLEM_HEADERS = {"Content-Type": "application/problem+json"}


def problem(status: int, slug: str, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": f"https://jaqe.fr/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }


def problem_body(status: int, slug: str, title: str, detail: str) -> str:
    return json.dumps(problem(status, slug, title, detail), ensure_ascii=False)
