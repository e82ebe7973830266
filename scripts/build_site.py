"""Writes the served pages of the site kit (`web/*.html`) from their sources: `make site`, run by `make dev`.

    python -m scripts.build_site            # write the pages that changed
    python -m scripts.build_site --check    # exit 1 naming the pages not up to date (CI: tests/unit)

The header and footer are written once, in `web/partials/header.html` and `footer.html`. Each
page's source is a whole HTML document where they go as `<!--#include file="header.html" -->`:
`web/pages/<page>.html` for the hand-written pages, `jaqe.policy.render_html()` (from the
processing register) for `politique-de-confidentialite.html`. The header's navigation link to the
page itself gets `aria-current="page"`. The served pages stay plain static files (the local server
serves them as they are; S3/CloudFront would too): edit the sources, not them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
SOURCES = WEB / "pages"
PARTIALS = WEB / "partials"
POLICY_PAGE = "politique-de-confidentialite.html"
INCLUDE = re.compile(r'<!--#include file="([a-z-]+\.html)" -->')
DOCTYPE = "<!doctype html>\n"


def partial(name: str, page: str) -> str:
    text = (PARTIALS / name).read_text(encoding="utf-8").removesuffix("\n")
    if name == "header.html":
        text = text.replace(f'<li><a href="{page}">', f'<li><a href="{page}" aria-current="page">')
    return text


def assemble(page: str, source: str, origin: str) -> str:
    """The served page: the partials put in, and a note saying where to edit it."""
    included = [match.group(1) for match in INCLUDE.finditer(source)]
    if sorted(included) != ["footer.html", "header.html"] or not source.startswith(DOCTYPE):
        raise ValueError(
            f"{origin}: a page starts with {DOCTYPE!r} and includes header.html and footer.html once"
        )
    note = f"<!-- Written by `make site` from {origin} and web/partials/: edit those, not this file. -->\n"
    body = INCLUDE.sub(lambda match: partial(match.group(1), page), source.removeprefix(DOCTYPE))
    return DOCTYPE + note + body


def sources() -> dict[str, tuple[str, str]]:
    """Each served page's name -> (its source, where that comes from)."""
    from jaqe.policy import render_html

    found = {
        path.name: (path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
        for path in sorted(SOURCES.glob("*.html"))
    }
    found[POLICY_PAGE] = (render_html(), "jaqe/policy.py (the processing register)")
    return found


def build() -> dict[str, str]:
    """Each served page's name -> its text, as `make site` writes it to `web/`."""
    return {page: assemble(page, source, origin) for page, (source, origin) in sources().items()}


def stale(pages: dict[str, str]) -> list[str]:
    """The served pages that differ from what their sources give (or are missing)."""
    return [
        page
        for page, text in pages.items()
        if not (WEB / page).is_file() or (WEB / page).read_text(encoding="utf-8") != text
    ]


def main(argv: list[str]) -> int:
    pages = build()
    changed = stale(pages)
    if argv == ["--check"]:
        if changed:
            print(
                f"not up to date with their sources (run `make site`): {', '.join(changed)}", file=sys.stderr
            )
            return 1
        return 0
    if argv:
        print("usage: python -m scripts.build_site [--check]", file=sys.stderr)
        return 2
    for page in changed:
        (WEB / page).write_text(pages[page], encoding="utf-8")
    print(f"web/: {len(pages)} pages, {len(changed)} written ({', '.join(changed) or 'none changed'})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
