"""Contact messages (policy 3, C3-10): identity and subject, kept for the handling period."""

from __future__ import annotations

from collections.abc import Callable

from jaqe.inbound.model import ContactMessageAccepted, ContactMessageIn
from jaqe.inbound.records import contact_message_key
from jaqe.platform import clock
from jaqe.platform.ids import new_id
from jaqe.platform.mail import Mailer
from jaqe.platform.observability import logger
from jaqe.platform.store import Store
from jaqe.platform.templates import contact_acknowledgement
from jaqe.privacy.register import PurposeId
from jaqe.privacy.retention import retention_fields


def submit_contact_message(
    data: ContactMessageIn,
    *,
    store: Store,
    mailer: Mailer,
    subject_key: Callable[[str], str],
    channel: str = "web",
    unreadable: tuple[str, ...] = (),
) -> ContactMessageAccepted:
    """Store the message and acknowledge it; an emailed one part of which could not be read (its
    date, a charset...) is flagged for an operator (`unreadable`)."""
    message_id = new_id("msg")
    key = subject_key(data.email)
    pk, sk = contact_message_key(message_id)
    item = {
        "pk": pk,
        "sk": sk,
        "item_type": "contact_message",
        "message_id": message_id,
        "channel": channel,
        "received_at": clock.now().isoformat(),
        **data.model_dump(exclude_none=True),
        **({"unreadable": list(unreadable)} if unreadable else {}),
        **retention_fields(PurposeId.CONTACT_REQUESTS, key),
    }
    store.put_new(item)
    logger.info("contact message stored", extra={"message_id": message_id, "subject_key": key})
    mailer.send(contact_acknowledgement(data.email, message_id))
    return ContactMessageAccepted(message_id=message_id)
