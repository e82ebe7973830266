"""Outgoing mail held where the subject index reaches it: queued by id, sent by id.

`OutboxMailer.send` stores the message (`MAIL#<id>` / `MESSAGE`, `jaqe.privacy.records`) under the
subject key of the person it is about, with the purpose it serves and a 15-day expiry, then
queues `{"mail_id": ...}`: no queue or dead-letter queue ever holds an address or a text, and an
erasure (which deletes everything under the subject key) deletes the unsent message too.
`OutboxMailer.queue` stores nothing: it queues the ids of the records an email is rendered from at
send time (`jaqe.platform.mail.QueuedMail`; a quote request's emails, from the lead and its
disclosures), which an erasure deletes just the same.

`OutboxDelivery.deliver` is the mail sender's use case: it loads the stored message or renders the
email from its records, refuses it to a bounced or complained address (any mail) or to a suppressed
address (marketing mail only, unless the person gave a new consent for its purpose since: the
answer to a person's own rights request still reaches them), sends the rest and deletes the stored
message. A message whose stored body or records are gone (erased, expired, already sent) is done:
a redrive after an erasure sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from jaqe.platform import clock
from jaqe.platform.ids import new_id
from jaqe.platform.mail import STORED, Mailer, OutgoingEmail, QueuedMail, queue_mail
from jaqe.platform.observability import logger, metrics
from jaqe.platform.store import Item, Store
from jaqe.privacy.records import mail_key, mail_rate_fields, mail_rate_key, outgoing_mail_item
from jaqe.privacy.register import PurposeId
from jaqe.privacy.subject_flags import Subjects
from jaqe.privacy.subject_keys import subject_key

# At most this many `limited_per_address` emails of one kind (template) to one address in any window
# of this length: the request behind a further one is still recorded and answered as usual (no
# enumeration), but nothing is sent. Per kind, so that a person's own quote confirmations never hold
# back the verification link of their rights request; a flood gets 3 of each kind at most.
LIMITED_MAILS_PER_WINDOW = 3
LIMITED_MAIL_WINDOW = timedelta(hours=1)

# Purposes whose every mail promotes JAQE, with an unsubscribe link or not.
MARKETING_PURPOSES = frozenset({PurposeId.SIMILAR_SERVICES_EMAILS})


def is_marketing(email: OutgoingEmail) -> bool:
    """Marketing mail carries a one-click unsubscribe link (the newsletter, similar services), or
    serves a marketing-only purpose. The newsletter's double opt-in link, like every answer to what
    the person asked, is transactional."""
    return email.unsubscribe_url is not None or PurposeId(email.purpose) in MARKETING_PURPOSES


class OutboxMailer:
    """The functions' `Mailer`: the message is stored, its id queued for the mail sender."""

    def __init__(self, store: Store | None = None, key_of: Callable[[str], str] = subject_key) -> None:
        self._store = store
        self.key_of = key_of

    @property
    def store(self) -> Store:
        # Made on first send: functions that may send build their collaborators up front.
        if self._store is None:
            self._store = Store()
        return self._store

    def send(self, email: OutgoingEmail) -> None:
        """Store, then queue the id (a message queued before it is stored would be dropped as gone)."""
        if email.limited_per_address and self._held_back(email.to, email.tags["template"]):
            return
        mail_id = new_id("mail")
        about = email.about or self.key_of(email.to)
        self.store.put_new(outgoing_mail_item(mail_id, asdict(email), about, PurposeId(email.purpose)))
        queue_mail(QueuedMail.stored(mail_id))

    def queue(self, mail: QueuedMail, *, limited_to: str | None = None) -> None:
        """Queue an email the mail sender renders from the records `mail` names (written before).
        `limited_to`: the address of a `limited_per_address` template, counted as `send` counts it."""
        if limited_to is not None and self._held_back(limited_to, mail.mail):
            return
        queue_mail(mail)

    def _held_back(self, address: str, template: str) -> bool:
        if self._within_limit(self.key_of(address), template):
            return False
        metrics.add_metric(name="MailRateLimited", unit="Count", value=1)
        logger.info("email held back: address over its hourly limit", template=template)
        return True

    def _within_limit(self, recipient: str, template: str) -> bool:
        return self.store.record_in_window(
            *mail_rate_key(recipient, template),
            limit=LIMITED_MAILS_PER_WINDOW,
            now=clock.epoch(clock.now()),
            window=int(LIMITED_MAIL_WINDOW.total_seconds()),
            fields=mail_rate_fields(recipient, LIMITED_MAIL_WINDOW),
        )


def email_of(item: Item) -> OutgoingEmail:
    message = dict(item["message"])
    message["tags"] = dict(message.get("tags") or {})
    return OutgoingEmail(**message)


# Renders a queued email from the records its ids name, on the store; None: a record is gone.
Renderer = Callable[[Store, Mapping[str, Any]], OutgoingEmail | None]


class Outcome(StrEnum):
    SENT = "sent"
    GONE = "gone"  # the stored message or its records are no more (erased, expired, sent): nothing to send
    BLOCKED = "blocked"  # the address hard-bounced or complained
    SUPPRESSED = "suppressed"  # marketing mail to an address on the suppression list


def decide(email: OutgoingEmail, *, bounced: bool, suppressed: bool) -> Outcome:
    """Whether a stored message goes out: bounces stop every mail, suppression stops marketing only."""
    if bounced:
        return Outcome.BLOCKED
    if suppressed and is_marketing(email):
        return Outcome.SUPPRESSED
    return Outcome.SENT


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    template: str | None = None
    purpose: str | None = None


class OutboxDelivery:
    """The mail sender's use case, on an injected store, transport (SES) and bounce lookup."""

    def __init__(
        self,
        store: Store,
        transport: Mailer,
        is_bounced: Callable[[str], bool],
        key_of: Callable[[str], str] = subject_key,
        renderers: Mapping[str, Renderer] | None = None,
    ) -> None:
        self.store = store
        self.transport = transport
        self.is_bounced = is_bounced
        self.key_of = key_of
        self.renderers = renderers or {}

    def email(self, queued: QueuedMail) -> OutgoingEmail | None:
        """The stored message, or the email rendered from its records; None when they are gone."""
        if queued.mail == STORED:
            item = self.store.get(*mail_key(queued.ids["mail_id"]))
            return email_of(item) if item else None
        if queued.mail not in self.renderers:
            raise ValueError(f"no renderer for queued mail {queued.mail!r}")
        return self.renderers[queued.mail](self.store, queued.ids)

    def deliver(self, queued: QueuedMail) -> Delivery:
        email = self.email(queued)
        if email is None:
            return Delivery(Outcome.GONE)
        recipient = self.key_of(email.to)
        outcome = decide(
            email,
            bounced=self.is_bounced(recipient),
            # Suppressed unless the person consented to this mail's purpose again since (a new relationship);
            # only marketing mail asks (the suppression never holds back a transactional one).
            suppressed=is_marketing(email)
            and Subjects(self.store).status(recipient).suppressed_for(PurposeId(email.purpose)),
        )
        if outcome is Outcome.SENT:
            self.transport.send(email)
        if queued.mail == STORED:
            # Sent or refused for good: the message is not kept (a failed send raises before this).
            self.store.delete(*mail_key(queued.ids["mail_id"]))
        return Delivery(outcome, email.tags.get("template"), email.purpose)
