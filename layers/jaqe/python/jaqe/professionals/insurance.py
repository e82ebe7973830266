"""Insurance (décennale): an accepted certificate extends the cover; the daily watch unlists
whoever's cover has ended and tells them."""

from __future__ import annotations

from typing import Any

from jaqe.platform import clock
from jaqe.platform.mail import Mailer
from jaqe.platform.observability import logger
from jaqe.platform.store import Store, query_before
from jaqe.platform.templates import professional_insurance_expired
from jaqe.professionals.records import (
    INSURANCE_WATCH_PK,
    PROFILE_SK,
    load_profile,
    profile_pk,
    save,
    watch_sk,
)


def record_insurance(store: Store, pro_id: str, valid_until: str, extra: list[dict[str, Any]]) -> None:
    """An accepted insurance document extends the cover (and lists an approved professional again)."""
    before = load_profile(store, pro_id)
    current = before.get("insurance_valid_until")
    after = {**before, "insurance_valid_until": max(valid_until, current) if current else valid_until}
    save(store, before, after, extra)


def unlist_expired_insurance(store: Store, mailer: Mailer) -> int:
    """Scheduled daily: whoever's insurance ended before today leaves the listing and is told."""
    today = clock.now().date().isoformat()
    unlisted = 0
    for watch in query_before(store, INSURANCE_WATCH_PK, today):
        profile = store.get(profile_pk(watch["pro_id"]), PROFILE_SK)
        if profile is None or watch_sk(profile) != watch["sk"]:
            store.delete(watch["pk"], watch["sk"])  # stale: the profile moved on
            continue
        save(store, profile, dict(profile))
        unlisted += 1
        logger.info("professional unlisted: insurance expired", extra={"pro_id": profile["pro_id"]})
        mailer.send(
            professional_insurance_expired(
                profile["contact"]["email"], profile["company_name"], str(profile["insurance_valid_until"])
            )
        )
    return unlisted
