"""The cookie register (policy section 6, issue 21): what the site kit loads, caps and purges."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jaqe.marketing.model import CookieChoices
from jaqe.privacy.periods import add_period
from jaqe.privacy.policy import render_policy
from jaqe.privacy.register import purpose
from jaqe.privacy.trackers import CONSENT_LIFETIME, COOKIES, SITE_PURPOSES, TAGS, site_config

CHOICE = datetime(2027, 1, 31, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("cookie", COOKIES, ids=lambda c: c.name)
def test_c3_13_every_tracker_cookie_lives_at_most_as_long_as_the_consent(cookie):
    assert add_period(CHOICE, cookie.lifetime) <= add_period(CHOICE, CONSENT_LIFETIME)
    assert purpose(cookie.purpose).is_cookie and purpose(cookie.purpose).needs_consent


@pytest.mark.parametrize(
    "entry", [*COOKIES, *TAGS], ids=lambda e: f"{e.provider}-{getattr(e, 'name', 'tag')}"
)
def test_c4_04_every_cookie_and_tag_belongs_to_a_provider_the_register_names_for_its_purpose(entry):
    assert entry.provider in purpose(entry.purpose).recipients


def test_the_site_kit_gets_one_entry_per_banner_choice_with_its_tags_and_cookies():
    config = site_config()
    assert set(config) == set(SITE_PURPOSES) == set(CookieChoices.model_fields)
    for name, purpose_id in SITE_PURPOSES.items():
        assert config[name]["cookies"] == [c.name for c in COOKIES if c.purpose is purpose_id]  # type: ignore[index]


def test_c6_03_the_policy_lists_each_cookie_with_its_lifetime():
    policy = render_policy()
    for cookie in COOKIES:
        assert cookie.name.replace("*", "&lt;identifiant&gt;") in policy
    assert "13 mois" in policy and "Global Privacy Control" in policy
