"""Marketing with consent: the newsletter (double opt-in), cookie choices, and the similar-services
mailing to past requesters (legitimate interest, with an unsubscribe link)."""

from __future__ import annotations

from constructs import Construct

from infra.constructs.platform import Platform


class Marketing(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        storage, api = platform.storage, platform.api
        self.newsletter = platform.form_function(
            "newsletter",
            ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"],
        )
        platform.links(self.newsletter)
        api.public_route("POST", "/v1/newsletter/subscriptions", self.newsletter)
        # A link's GET answers a page whose form POSTs the token: only the POST acts (mail scanners open links).
        api.public_route("GET", "/v1/newsletter/confirm", self.newsletter)
        api.public_route("POST", "/v1/newsletter/confirm", self.newsletter)
        api.public_route("GET", "/v1/newsletter/unsubscribe", self.newsletter)
        api.public_route("POST", "/v1/newsletter/unsubscribe", self.newsletter)  # also RFC 8058 one-click

        self.cookies = platform.functions.create("cookie_consents")
        storage.use_data(self.cookies, ["dynamodb:PutItem", "dynamodb:GetItem"])
        storage.use_idempotency(self.cookies)
        storage.use_subject_keys(self.cookies)  # the idempotency payload fingerprint is keyed with it
        api.public_route("POST", "/v1/cookie-consents", self.cookies)
        api.public_route("GET", "/v1/cookie-consents/{visitor_id}", self.cookies)

        self.similar_services = platform.functions.create("similar_services", timeout_seconds=300)
        platform.links(self.similar_services)
        storage.use_data(
            self.similar_services, ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], ("by_segment",)
        )
        platform.mail.allow_sending(self.similar_services)
