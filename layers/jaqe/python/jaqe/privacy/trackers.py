"""The cookie register: each tag the site may load and each cookie it sets (policy section 6).

The site kit reads it (`web/trackers.js`, written by `make site`): which tags to load for an accepted
purpose, how to configure them so that their cookies end with the consent (13 months at most from the
choice, never pushed further by a later visit), and which first-party cookies to delete when a
purpose is refused or withdrawn. The policy page lists the same cookies with their lifetimes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from jaqe.privacy.periods import Period
from jaqe.privacy.register import COOKIE_RETENTION, RECIPIENTS, PurposeId, purpose

# The banner's purposes as the site names them (`choices` of POST /v1/cookie-consents).
SITE_PURPOSES = {"analytics": PurposeId.AUDIENCE_MEASUREMENT, "advertising": PurposeId.ADVERTISING}
# The consent's lifetime, hence every tracker's ceiling.
CONSENT_LIFETIME = COOKIE_RETENTION.period or Period(months=13)


@dataclass(frozen=True)
class Cookie:
    """A first-party cookie a provider's tag sets on the site's domain. A name ending in `*` is a prefix."""

    name: str
    provider: str  # a recipient id of the register
    purpose: PurposeId
    lifetime: Period  # as the tag is configured here, never beyond CONSENT_LIFETIME
    description_fr: str


@dataclass(frozen=True)
class Tag:
    """A provider's script, loaded only once its purpose is accepted (C6-02)."""

    provider: str
    purpose: PurposeId
    src: str


TAGS: tuple[Tag, ...] = (
    Tag("google", PurposeId.AUDIENCE_MEASUREMENT, "https://www.googletagmanager.com/gtag/js?id=G-JAQE"),
    Tag("meta", PurposeId.ADVERTISING, "https://connect.facebook.net/fr_FR/fbevents.js"),
)

COOKIES: tuple[Cookie, ...] = (
    Cookie("_ga", "google", PurposeId.AUDIENCE_MEASUREMENT, CONSENT_LIFETIME, "distingue les visiteurs"),
    Cookie(
        "_ga_*", "google", PurposeId.AUDIENCE_MEASUREMENT, CONSENT_LIFETIME, "conserve l'état de la session"
    ),
    Cookie("_gid", "google", PurposeId.AUDIENCE_MEASUREMENT, Period(days=1), "distingue les visiteurs"),
    Cookie("_gcl_au", "google", PurposeId.ADVERTISING, Period(months=3), "mesure l'efficacité des annonces"),
    Cookie(
        "_fbp", "meta", PurposeId.ADVERTISING, Period(months=3), "identifie le navigateur pour la publicité"
    ),
    Cookie(
        "_fbc", "meta", PurposeId.ADVERTISING, Period(months=3), "garde la trace du dernier clic publicitaire"
    ),
)


def cookies_of(purpose_id: PurposeId) -> list[Cookie]:
    return [c for c in COOKIES if c.purpose is purpose_id]


def site_config() -> dict[str, object]:
    """What the site kit needs, per banner purpose: tags to load and cookie names to purge."""
    return {
        site_name: {
            "tags": [t.src for t in TAGS if t.purpose is purpose_id],
            "cookies": [c.name for c in cookies_of(purpose_id)],
        }
        for site_name, purpose_id in SITE_PURPOSES.items()
    }


def site_module() -> str:
    """`web/trackers.js`: the register as an ES module the site kit imports."""
    return (
        "// Written by `make site` from jaqe/privacy/trackers.py (the cookie register): edit that, not this file.\n"
        f"export const TRACKERS = {json.dumps(site_config(), indent=2)};\n"
    )


def policy_rows() -> list[tuple[str, str, str, str]]:
    """(cookie, provider, purpose, lifetime) for the policy page's table."""
    return [
        (
            c.name.replace("*", "<identifiant>"),
            RECIPIENTS[c.provider].name_fr,
            f"{purpose(c.purpose).name_fr} : {c.description_fr}",
            c.lifetime.describe_fr(),
        )
        for c in COOKIES
    ]
