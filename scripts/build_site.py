"""Writes the served pages of the site kit (`web/*.html`) from their sources: `make site`, run by `make dev`.

    python -m scripts.build_site            # write the pages that changed
    python -m scripts.build_site --check    # exit 1 naming the pages not up to date (CI: tests/unit)

What every page shares (head, stylesheet and module, header with the navigation, footer) is
written once, in `web/partials/layout.html`. A page's source is only what is its own: its
`<title>` (and description) then its `<main>`: `web/pages/<page>.html` for the hand-written pages,
`jaqe.privacy.policy.render_html()` (from the processing register) for `politique-de-confidentialite.html`.
`trackers.js` is the cookie register (`jaqe.privacy.trackers`): the tags and cookies the site kit handles.
A source may also ask for the register's purposes as checkboxes (`<!--#purposes consent -->`: those that
rest on consent; `<!--#purposes policy -->`: those the policy lists), as the rights page does: one copy of
the purposes and their French names, the register's.
The links to the page itself (navigation, footer) get `aria-current="page"`. The served pages stay plain
static files (the local server serves them as they are, S3/CloudFront would too): edit the sources.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jaqe.privacy.register import Purpose

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
SOURCES = WEB / "pages"
LAYOUT = WEB / "partials" / "layout.html"
POLICY_PAGE = "politique-de-confidentialite.html"
TRACKERS_MODULE = "trackers.js"
DOCTYPE = "<!doctype html>\n"
PURPOSES_SLOT = re.compile(r"<!--#purposes (\w+) -->\n")


def purpose_lists() -> dict[str, Callable[[], list[Purpose]]]:
    """What `<!--#purposes KIND -->` may ask for: the register's purposes, by kind."""
    from jaqe.privacy.register import consent_purposes, policy_purposes

    return {"consent": consent_purposes, "policy": policy_purposes}


def purpose_choices(kind: str, origin: str) -> str:
    """One checkbox per purpose of that kind, in the register's order: `purposes` (a list) in the body."""
    lists = purpose_lists()
    if kind not in lists:
        raise ValueError(f"{origin}: <!--#purposes {kind} --> is none of {', '.join(lists)}")
    return "".join(
        f'<label class="choice"><input type="checkbox" name="purposes" value="{escape(p.id.value)}">'
        f" <span>{escape(p.name_fr, quote=False)}</span></label>\n"
        for p in lists[kind]()
    )


def expand(source: str, origin: str) -> str:
    """The source with its `<!--#purposes KIND -->` slots filled from the register."""
    return PURPOSES_SLOT.sub(lambda slot: purpose_choices(slot.group(1), origin), source)


def assemble(page: str, source: str, origin: str, layout: str) -> str:
    """The served page: the layout around the source's head lines and main, and a note saying where to edit it."""
    head, opening, rest = expand(source, origin).partition("<main ")
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

    found = {}
    for path in sorted(SOURCES.glob("*.html")):
        text, origin = path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))
        if PURPOSES_SLOT.search(text):
            origin += " with the purposes of jaqe/privacy/register.py"
        found[path.name] = (text, origin)
    found[POLICY_PAGE] = (render_html(), "jaqe/privacy/policy.py (the processing register)")
    return found


def build() -> dict[str, str]:
    """Each served file's name -> its text, as `make site` writes it to `web/`: the pages, and the cookie
    register as the module the site kit imports (`trackers.js`)."""
    from jaqe.privacy.trackers import site_module

    layout = LAYOUT.read_text(encoding="utf-8")
    pages = {page: assemble(page, source, origin, layout) for page, (source, origin) in sources().items()}
    return pages | {TRACKERS_MODULE: site_module()}


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
