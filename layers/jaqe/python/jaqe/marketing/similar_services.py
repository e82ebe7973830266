"""Marketing sends: similar-services emails (legitimate interest, C3-08) and one-click unsubscribe.

Recipients are selected through the `by_segment` index (trade and month of past quote
requests), never a table scan. People who objected, are restricted or suppressed are skipped.
Every marketing email carries RFC 8058 one-click unsubscribe headers.
"""

from __future__ import annotations

from datetime import datetime

from jaqe.marketing.newsletter import Newsletter
from jaqe.marketing.unsubscribe_links import unsubscribe_token, unsubscribe_url
from jaqe.platform import clock
from jaqe.platform.mail import Mailer
from jaqe.platform.observability import logger
from jaqe.platform.store import SEGMENT_INDEX, Store
from jaqe.platform.templates import similar_services
from jaqe.platform.tokens import Tokens
from jaqe.platform.trades import TRADES
from jaqe.privacy.periods import add_months
from jaqe.privacy.register import PurposeId
from jaqe.privacy.subject_flags import Subjects


def months_back(now: datetime, count: int) -> list[str]:
    return [f"{add_months(now, -offset):%Y-%m}" for offset in range(count)]


def send_similar_services(store: Store, mailer: Mailer, trade: str, months: int = 36) -> int:
    """Email past requesters of `trade` from the last `months` months, once each. Returns the count sent."""
    subjects = Subjects(store)
    tokens = Tokens(store)
    seen: set[str] = set()
    sent = 0
    for month in months_back(clock.now(), months):
        for lead in store.query_index(SEGMENT_INDEX, "segment", f"{trade}#{month}"):
            key = lead["subject_key"]
            if key in seen:
                continue
            seen.add(key)
            if not subjects.status(key).may_receive(PurposeId.SIMILAR_SERVICES_EMAILS):
                continue
            token = unsubscribe_token(tokens, key, PurposeId.SIMILAR_SERVICES_EMAILS)
            mailer.send(similar_services(lead["contact"]["email"], TRADES[trade], unsubscribe_url(token)))
            sent += 1
    logger.info(
        "similar-services mailing done", extra={"trade": trade, "considered": len(seen), "sent": sent}
    )
    return sent


def unsubscribe(store: Store, mailer: Mailer, token: str) -> str:
    """One click: newsletter -> subscription deleted and consent withdrawn; similar services -> objection."""
    payload = Tokens(store).consume("unsubscribe", token)
    key, purpose_id = payload["subject_key"], PurposeId(payload["purpose"])
    if purpose_id is PurposeId.NEWSLETTER:
        Newsletter(store, mailer, lambda _: key).remove(key, channel="one_click")
    else:
        Subjects(store).object_to(key, [purpose_id])
    return purpose_id.value
