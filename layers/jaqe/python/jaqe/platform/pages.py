"""The small French pages the API answers to a person who opens a link from an email.

A link never acts on GET (mail security scanners open links before the person does): its page holds
a form that POSTs the token back to the same address, and only that POST acts. Every value is
escaped; the page loads nothing (inline style allowed by its hash in a strict Content-Security-Policy,
no script, no image, no external resource) and sends no referrer (the address carries a token).

`wants_html` tells a browser from a JSON client; `posted_token` reads the token of such a POST
(form-encoded, JSON or, for RFC 8058 one-click and simple clients, the query string).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, TypeVar
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import Response

from jaqe.platform.controller import CONTROLLER_ADDRESS, CONTROLLER_EMAIL, CONTROLLER_NAME, SITE_URL
from jaqe.platform.errors import DomainError, InvalidInput, LinkGone

T = TypeVar("T")
HTML = "text/html; charset=utf-8"
TOKEN_MAX_LENGTH = 200

# The site's colours and fonts (web/site.css), inline: the page fetches nothing.
STYLE = (
    ":root{--ink:#1c2434;--muted:#4a5568;--paper:#fff;--wash:#f3f6fb;--brand:#1846a3;"
    "--brand-dark:#0f2f70;--focus:#c2410c;--error:#b42318;--success:#146c2e;"
    'font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;'
    "line-height:1.5;color:var(--ink);background:var(--wash)}"
    "*{box-sizing:border-box}body{margin:0}"
    ".wrap{max-width:44rem;margin:0 auto;padding-inline:1.25rem}"
    "a{color:var(--brand);text-underline-offset:2px}a:hover{color:var(--brand-dark)}"
    ":focus-visible{outline:3px solid var(--focus);outline-offset:2px}"
    "header{background:var(--paper);border-bottom:1px solid #dbe2ee}header .wrap{padding-block:.9rem}"
    ".brand{font-size:1.6rem;font-weight:800;letter-spacing:.04em;color:var(--brand);text-decoration:none}"
    "main{padding-block:2rem 4rem}h1{font-size:clamp(1.5rem,4vw,2rem);line-height:1.2;margin:0 0 1rem}"
    ".card{background:var(--paper);border-radius:10px;box-shadow:0 1px 3px rgba(16,24,40,.12);"
    "padding:1.5rem;margin-bottom:1.5rem}.card p{margin:0 0 1rem}"
    ".card.success{border-left:4px solid var(--success)}.card.error{border-left:4px solid var(--error)}"
    "dl{display:grid;grid-template-columns:minmax(9rem,auto) 1fr;gap:.4rem 1rem;margin:0 0 1rem}"
    "dt{font-weight:700}dd{margin:0}"
    ".button{font:inherit;font-weight:700;cursor:pointer;min-height:2.75rem;padding:.6rem 1.4rem;"
    "border-radius:6px;border:2px solid var(--brand);background:var(--brand);color:#fff}"
    ".button:hover{background:var(--brand-dark);border-color:var(--brand-dark)}"
    ".legal{font-size:.9rem;color:var(--muted)}"
    "footer{background:var(--ink);color:#e6e9ef;padding-block:1.5rem;font-size:.95rem}"
    "footer a{color:#fff}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


@dataclass
class Form:
    """A POST back to the page's own address: the token in a hidden field, one button; `fields` are
    further hidden (name, value) pairs (which of several choices this button makes)."""

    token: str
    button: str
    fields: Sequence[tuple[str, str]] = ()


@dataclass
class Page:
    """What a page says; `paragraphs` and `facts` are plain text (escaped), `links` are (text, url)."""

    title: str
    paragraphs: Sequence[str] = ()
    facts: Sequence[tuple[str, str]] = ()
    links: Sequence[tuple[str, str]] = ()
    form: Form | None = None
    # Several choices, one form each (a page listing professionals, one button each).
    forms: Sequence[Form] = ()
    tone: str = ""  # "success" | "error" | ""
    notes: Sequence[str] = ()


def render(page: Page) -> str:
    e = escape
    parts = [f"<p>{e(text)}</p>" for text in page.paragraphs]
    if page.facts:
        rows = "".join(f"<dt>{e(term)}</dt><dd>{e(value)}</dd>" for term, value in page.facts)
        parts.append(f"<dl>{rows}</dl>")
    if page.links:
        items = "".join(f'<li><a href="{e(url)}">{e(text)}</a></li>' for text, url in page.links)
        parts.append(f"<ul>{items}</ul>")
    for form in ([page.form] if page.form is not None else []) + list(page.forms):
        hidden = "".join(
            f'<input type="hidden" name="{e(name)}" value="{e(value)}">'
            for name, value in [("token", form.token), *form.fields]
        )
        parts.append(
            f'<form method="post">{hidden}<button type="submit" class="button">{e(form.button)}</button></form>'
        )
    notes = "".join(f'<p class="legal">{e(text)}</p>' for text in page.notes)
    tone = f" {page.tone}" if page.tone else ""
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{e(page.title)} – JAQE</title><style>{STYLE}</style></head><body>"
        f'<header><div class="wrap"><a class="brand" href="{e(SITE_URL)}/">JAQE</a></div></header>'
        f'<main><div class="wrap"><h1>{e(page.title)}</h1>'
        f'<div class="card{tone}">{"".join(parts)}</div>{notes}</div></main>'
        f'<footer><div class="wrap"><p>{e(CONTROLLER_NAME)} SARL – {e(CONTROLLER_ADDRESS)} – '
        f'<a href="mailto:{e(CONTROLLER_EMAIL)}">{e(CONTROLLER_EMAIL)}</a> – '
        f'<a href="{e(SITE_URL)}/droits.html">Mes données</a></p></div></footer>'
        "</body></html>"
    )


def page_response(page: Page, status: int = 200) -> Response[str]:
    return Response(status_code=status, content_type=HTML, body=render(page), headers=dict(PAGE_HEADERS))


def error_page(error: DomainError, what_to_do: Sequence[str] = ()) -> Response[str]:
    """A domain error (410 used or expired link, 404, 422) as a page that says what to do."""
    page = Page(title=error.title, paragraphs=[error.detail, *what_to_do], tone="error")
    return page_response(page, error.status)


def link_page(usable: bool, page: Page, gone_hints: Sequence[str]) -> Response[str]:
    """What opening a link shows: its page (whose form acts), or at once that the link is dead."""
    return page_response(page) if usable else error_page(LinkGone(), gone_hints)


def link_action(
    headers: Any,
    act: Callable[[], T],
    *,
    done: Callable[[T], Page],
    as_json: Callable[[T], Response[Any]],
    gone_hints: Sequence[str],
) -> Response[Any]:
    """The POST a link's page sends: `act`, then a page for a browser or JSON for any other client;
    a refusal (410 used or expired, 422) is a page for a browser, a problem document otherwise."""
    html = wants_html(headers)
    try:
        result = act()
    except DomainError as error:
        if html:
            return error_page(error, gone_hints if error.status == 410 else ())
        raise
    return page_response(done(result)) if html else as_json(result)


def _media_types(accept: str) -> list[str]:
    return [part.split(";", 1)[0].strip().lower() for part in accept.split(",") if part.strip()]


def wants_html(headers: Any) -> bool:
    """A browser (its Accept names text/html before any JSON type); any other client gets JSON."""
    for media_type in _media_types(str(headers.get("Accept") or headers.get("accept") or "")):
        if media_type in ("text/html", "application/xhtml+xml"):
            return True
        if media_type.endswith("json"):
            return False
    return False


def posted_value(body: str | None, content_type: str | None, name: str) -> Any:
    """One field of a link page's POST, form-encoded or JSON; None when it is not there."""
    text = body or ""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        values = parse_qs(text, keep_blank_values=True).get(name) or []
        return values[0] if values else None
    if text.strip().startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            return None
        return document.get(name) if isinstance(document, dict) else None
    return None


def posted_token(body: str | None, content_type: str | None, query_token: str | None) -> str:
    """The token of a POST: a form field or a JSON "token", else the query string's (RFC 8058 one-click
    posts "List-Unsubscribe=One-Click" to the address that carries it). Missing or too long: 422."""
    token = posted_value(body, content_type, "token") or query_token
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX_LENGTH:
        raise InvalidInput(
            "Le jeton du lien est manquant ou invalide.", errors=[{"field": "token", "message": "requis"}]
        )
    return token


TOKEN_BODY_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": False,
        "description": "The link's token (a page's form, or JSON); RFC 8058 one-click may carry it in the query",
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {"token": {"type": "string", "maxLength": TOKEN_MAX_LENGTH}},
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"token": {"type": "string", "maxLength": TOKEN_MAX_LENGTH}},
                }
            },
        },
    }
}


# RFC 8058 section 3.1: a mail client's one-click POST "SHOULD be sent as multipart/form-data" (its only
# field, List-Unsubscribe=One-Click, is not read: the token is in the link's query string).
ONE_CLICK_BODY_OPENAPI: dict[str, Any] = {
    "requestBody": {
        **TOKEN_BODY_OPENAPI["requestBody"],
        "content": {
            **TOKEN_BODY_OPENAPI["requestBody"]["content"],
            "multipart/form-data": {"schema": {"type": "object"}},
        },
    }
}


def page_or_json(model: Any, description: str) -> dict[int, Any]:
    """The `responses` of a route that answers a page to a browser and `model` as JSON otherwise."""
    return {
        200: {
            "description": description,
            "content": {"application/json": {"model": model}, "text/html": {"schema": {"type": "string"}}},
        }
    }


def page_only(description: str) -> dict[int, Any]:
    """The `responses` of a link opened in a browser: its page, or a page saying the link is dead."""
    html = {"text/html": {"schema": {"type": "string"}}}
    return {
        200: {"description": description, "content": html},
        410: {
            "description": "The link was used already or has expired: a page says what to do",
            "content": html,
        },
    }
