"""Writes the served pages of the site kit (`web/*.html`) from their sources: `make site`, run by `make dev`.

    python -m scripts.build_site            # write the pages that changed
    python -m scripts.build_site --check    # exit 1 naming the pages not up to date (CI: tests/unit)

What every page shares (head, stylesheet and module, header with the navigation, footer) is
written once, in `web/partials/layout.html`. A page's source is only what is its own: its
`<title>` (and description) then its `<main>`: `web/pages/<page>.html` for the hand-written pages,
`jaqe.privacy.policy.render_html()` (from the processing register) for `politique-de-confidentialite.html`.
The links to the page itself (navigation, footer) get `aria-current="page"`. The served pages stay plain
static files (the local server serves them as they are, S3/CloudFront would too): edit the sources.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
SOURCES = WEB / "pages"
LAYOUT = WEB / "partials" / "layout.html"
POLICY_PAGE = "politique-de-confidentialite.html"
DOCTYPE = "<!doctype html>\n"


def assemble(page: str, source: str, origin: str, layout: str) -> str:
    """The served page: the layout around the source's head lines and main, and a note saying where to edit it."""
    head, opening, rest = source.partition("<main ")
    main = opening + rest
    if not head.startswith("<title>") or not main.startswith("<main ") or not main.endswith("</main>\n"):
        raise ValueError(f"{origin}: a page's source is its <title> (and <meta>s), then its <main>...</main>")
    note = f"<!-- Written by `make site` from {origin} and web/partials/layout.html: edit those, not this file. -->\n"
    current = f'<li><a href="{page}">', f'<li><a href="{page}" aria-current="page">'
    text = layout.replace(*current).replace("<!--#head -->\n", head).replace("<!--#main -->\n", main)
    return text.replace(DOCTYPE, DOCTYPE + note, 1)


def sources() -> dict[str, tuple[str, str]]:
    """Each served page's name -> (its source, where that comes from)."""
    from jaqe.privacy.policy import render_html

    found = {
        path.name: (path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
        for path in sorted(SOURCES.glob("*.html"))
    }
    found[POLICY_PAGE] = (render_html(), "jaqe/privacy/policy.py (the processing register)")
    return found


def build() -> dict[str, str]:
    """Each served page's name -> its text, as `make site` writes it to `web/`."""
    layout = LAYOUT.read_text(encoding="utf-8")
    return {page: assemble(page, source, origin, layout) for page, (source, origin) in sources().items()}


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
