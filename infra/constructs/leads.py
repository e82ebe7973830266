"""Leads: the trades list, quote requests (matched and shared with professionals) and the
operators' exports for commercial partners."""

from __future__ import annotations

from constructs import Construct

from infra.constructs.platform import Platform


class Leads(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        config, api = platform.config, platform.api
        self.trades = platform.functions.create("trades")
        api.public_route("GET", "/v1/trades", self.trades)

        # DeleteItem: a confirmation link's token is used once (a conditional delete). BatchGetItem: the
        # matched professionals' profiles in one read.
        self.quotes = platform.form_function(
            "quote_requests",
            [
                "dynamodb:PutItem",
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:UpdateItem",
                "dynamodb:Query",
                "dynamodb:DeleteItem",
            ],
            ("by_subject",),
            environment={"SITE_URL": config.site_url, "MAX_MATCHES": str(config.max_matches)},
        )
        # The confirmation email's links (commercial partners consent, the newsletter box's double opt-in).
        platform.links(self.quotes)
        api.public_route("POST", "/v1/quote-requests", self.quotes)
        # The consent to commercial partners counts once the address is confirmed from the quote
        # confirmation email: the function that wrote the pending consent and sent the link confirms it.
        # A link's GET answers a page whose form POSTs the token: only the POST acts.
        api.public_route("GET", "/v1/consents/confirm", self.quotes)
        api.public_route("POST", "/v1/consents/confirm", self.quotes)
        # The consumer accepts a quote from the confirmation email's link (C3-04): the GET lists the
        # professionals, the POST records the choice on that professional's disclosure.
        api.public_route("GET", "/v1/quote-requests/{request_id}/acceptance", self.quotes)
        api.public_route("POST", "/v1/quote-requests/{request_id}/acceptance", self.quotes)

        # Operators export the leads who agreed to a commercial partner.
        self.exports = platform.functions.create("admin_exports", timeout_seconds=120)
        platform.storage.use_data(
            self.exports,
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
            ("by_segment", "by_subject"),
        )
        platform.api.operator_route("POST", "/v1/admin/commercial-partners/exports", self.exports)
        # The partners directory (Art. 19 notices' contacts) and the notices left to operators.
        platform.api.operator_route("POST", "/v1/admin/commercial-partners", self.exports)
        platform.api.operator_route("GET", "/v1/admin/commercial-partners", self.exports)
        platform.api.operator_route("GET", "/v1/admin/commercial-partners/tasks", self.exports)
