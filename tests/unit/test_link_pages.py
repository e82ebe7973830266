"""The pages a link from an email answers (jaqe.platform.pages) and the status page's French labels."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from jaqe.platform.errors import InvalidInput
from jaqe.platform.pages import (
    CONTENT_SECURITY_POLICY,
    STYLE,
    Form,
    Page,
    posted_token,
    render,
    wants_html,
)
from jaqe.rights.model import STATUS_LABELS_FR, RequestStatus, RequestType, status_label_fr

TOKEN = "t" * 43


def test_every_request_status_and_type_has_a_french_label_for_the_status_page():
    for status in RequestStatus:
        assert STATUS_LABELS_FR.get(status.value), status
        assert status_label_fr(status) == STATUS_LABELS_FR[status.value]
    assert {"linked", "closed"} <= set(STATUS_LABELS_FR)  # issue 18: ready for the statuses to come
    for kind in RequestType:
        assert kind.label_fr


def test_a_page_escapes_every_value_and_loads_nothing():
    hostile = '"><script>alert(1)</script>'
    page = render(
        Page(
            title=hostile,
            paragraphs=[hostile],
            facts=[(hostile, hostile)],
            links=[(hostile, 'https://api.jaqe.fr/x?token=a"b')],
            form=Form(token=hostile, button=hostile),
            notes=[hostile],
        )
    )

    assert "<script" not in page and "&lt;script&gt;" in page
    assert 'value="&quot;&gt;&lt;script&gt;' in page and 'href="https://api.jaqe.fr/x?token=a&quot;b"' in page
    assert not re.search(r"<(script|img|link|iframe)\b", page) and " src=" not in page
    assert page.count("<form") == 1 and '<form method="post">' in page


def test_the_inline_style_is_the_one_the_content_security_policy_allows():
    digest = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY and "form-action 'self'" in CONTENT_SECURITY_POLICY
    assert f"<style>{STYLE}</style>" in render(Page(title="t"))


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("application/json", False),
        ("application/json, text/html", False),
        ("*/*", False),
        ("", False),
    ],
)
def test_a_browser_gets_a_page_any_other_client_json(accept, html):
    assert wants_html({"Accept": accept}) is html


@pytest.mark.parametrize(
    ("body", "content_type", "query"),
    [
        (f"token={TOKEN}", "application/x-www-form-urlencoded", None),
        (f"token={TOKEN}", "application/x-www-form-urlencoded; charset=UTF-8", "other" * 5),
        (f'{{"token": "{TOKEN}"}}', "application/json", None),
        ("List-Unsubscribe=One-Click", "application/x-www-form-urlencoded", TOKEN),  # RFC 8058
        ("", "application/json", TOKEN),
    ],
)
def test_the_token_of_a_post_comes_from_its_form_its_json_or_its_address(body, content_type, query):
    assert posted_token(body, content_type, query) == TOKEN


@pytest.mark.parametrize("body", ["", "{}", '{"token": 5}', "[1]", "{not json", "token="])
def test_a_post_without_a_token_is_refused(body):
    with pytest.raises(InvalidInput):
        posted_token(body, "application/x-www-form-urlencoded" if "=" in body else "application/json", None)
    with pytest.raises(InvalidInput):
        posted_token(f"token={'x' * 201}", "application/x-www-form-urlencoded", None)
