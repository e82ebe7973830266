"""Contact messages (policy 3, C3-10): identity and subject, kept for the handling period."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from jaqe.inbound.records import contact_message_key
from jaqe.platform import clock
from jaqe.platform.ids import new_id
from jaqe.platform.mail import Mailer
from jaqe.platform.observability import logger
from jaqe.platform.store import Store
from jaqe.platform.templates import contact_acknowledgement
from jaqe.platform.validation import Email, FrenchPhone, LongText, Name, ShortText
from jaqe.privacy.register import PurposeId
from jaqe.privacy.retention import retention_fields


class ContactMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Email
    subject: ShortText
    message: LongText
    phone: FrenchPhone | None = None


class ContactMessageAccepted(BaseModel):
    message_id: str


def submit_contact_message(
    data: ContactMessageIn,
    *,
    store: Store,
    mailer: Mailer,
    subject_key: Callable[[str], str],
    channel: str = "web",
) -> ContactMessageAccepted:
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
        **retention_fields(PurposeId.CONTACT_REQUESTS, key),
    }
    store.put_new(item)
    logger.info("contact message stored", extra={"message_id": message_id, "subject_key": key})
    mailer.send(contact_acknowledgement(data.email, message_id))
    return ContactMessageAccepted(message_id=message_id)
