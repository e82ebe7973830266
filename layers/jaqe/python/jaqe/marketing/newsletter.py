"""Newsletter (policy 3, C3-09): double opt-in, kept until unsubscribe, one-click unsubscribe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from jaqe.marketing.records import subscription_key
from jaqe.marketing.unsubscribe_links import unsubscribe_token, unsubscribe_url
from jaqe.platform import clock
from jaqe.platform.controller import POLICY_VERSION
from jaqe.platform.mail import Mailer
from jaqe.platform.observability import logger
from jaqe.platform.settings import LinkSettings, get_settings
from jaqe.platform.store import Store
from jaqe.platform.templates import newsletter_confirmation, newsletter_welcome
from jaqe.platform.tokens import Tokens
from jaqe.privacy.consent import ConsentLedger
from jaqe.privacy.register import PurposeId
from jaqe.privacy.retention import retention_fields

CONFIRMATION_VALIDITY = timedelta(days=7)
CONFIRM_WORDING = "J'accepte de recevoir la newsletter et les emails promotionnels de JAQE."


class Newsletter:
    def __init__(self, store: Store, mailer: Mailer, subject_key: Callable[[str], str]) -> None:
        self.store = store
        self.mailer = mailer
        self.subject_key = subject_key
        self.tokens = Tokens(store)

    def subscribe(self, email: str, policy_version: str, channel: str = "web") -> None:
        """Send the confirmation link. Nothing is subscribed until the link is followed."""
        key = self.subject_key(email)
        payload = {"subject_key": key, "email": email, "policy_version": policy_version, "channel": channel}
        token = self.tokens.issue("newsletter_confirm", payload, ttl=CONFIRMATION_VALIDITY, subject_key=key)
        url = f"{get_settings(LinkSettings).public_api_url}/v1/newsletter/confirm?token={token}"
        self.mailer.send(newsletter_confirmation(email, url))
        logger.info("newsletter confirmation sent", extra={"subject_key": key})

    def confirm(self, token: str) -> None:
        pending = self.tokens.consume("newsletter_confirm", token)
        key, email = pending["subject_key"], pending["email"]
        unsubscribe = unsubscribe_token(self.tokens, key, PurposeId.NEWSLETTER)
        pk, sk = subscription_key(key)
        self.store.put(
            {
                "pk": pk,
                "sk": sk,
                "item_type": "newsletter_subscription",
                "email": email,
                "status": "confirmed",
                "confirmed_at": clock.now().isoformat(),
                "channel": pending["channel"],
                **retention_fields(PurposeId.NEWSLETTER, key),
            }
        )
        ConsentLedger(self.store).append(
            key,
            PurposeId.NEWSLETTER,
            granted=True,
            policy_version=pending["policy_version"],
            channel=f"{pending['channel']}:double_opt_in",
            wording=CONFIRM_WORDING,
            address_confirmed_by="email_link",
        )
        self.mailer.send(newsletter_welcome(email, unsubscribe_url(unsubscribe)))
        logger.info("newsletter subscription confirmed", extra={"subject_key": key})

    def remove(self, subject_key: str, channel: str) -> bool:
        """Immediate deletion of the subscription (kept until unsubscribe) and a recorded withdrawal."""
        pk, sk = subscription_key(subject_key)
        removed = self.store.take(pk, sk) is not None
        ConsentLedger(self.store).withdraw(
            subject_key, PurposeId.NEWSLETTER, channel=channel, policy_version=POLICY_VERSION
        )
        logger.info("newsletter subscription removed", extra={"subject_key": subject_key, "existed": removed})
        return removed

    def is_subscribed(self, subject_key: str) -> bool:
        return self.store.get(*subscription_key(subject_key)) is not None
