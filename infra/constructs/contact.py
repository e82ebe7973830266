"""The contact form: POST /v1/contact-messages (stored, acknowledged by email)."""

from __future__ import annotations

from constructs import Construct

from infra.constructs.platform import Platform


class Contact(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        self.function = platform.form_function("contact_messages", ["dynamodb:PutItem"])
        platform.api.public_route("POST", "/v1/contact-messages", self.function)
