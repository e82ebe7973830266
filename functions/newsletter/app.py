"""Newsletter: double opt-in subscription, confirmation link, one-click unsubscribe (RFC 8058).

Links never act on GET (mail scanners open links): the confirmation and unsubscribe links answer a
page whose form POSTs the token back; the POST acts. A mail client's one-click POST (RFC 8058) acts
directly, its token in the query.
"""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from jaqe.marketing.model import SubscriptionIn, Unsubscribed
from jaqe.marketing.newsletter import Newsletter
from jaqe.marketing.similar_services import unsubscribe
from jaqe.platform import pages
from jaqe.platform.api import StatusOut, api_handler, create_app, json_response, run_idempotent
from jaqe.platform.controller import CONTROLLER_EMAIL, SITE_URL
from jaqe.platform.settings import (
    ApiSettings,
    DataSettings,
    IdempotencySettings,
    LinkSettings,
    OutboxSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.platform.tokens import Tokens
from jaqe.privacy.outbox import OutboxMailer
from jaqe.privacy.subject_keys import subject_key


class Settings(
    ApiSettings, DataSettings, IdempotencySettings, SubjectKeySettings, OutboxSettings, LinkSettings
):
    """What newsletter reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()


Token = Annotated[str, Query(min_length=20, max_length=200)]


@app.post("/v1/newsletter/subscriptions", responses={202: {"description": "Confirmation link sent"}})
def post_subscription(subscription: Annotated[SubscriptionIn, Body()]) -> Response[StatusOut]:
    def accept() -> dict:
        Newsletter(Store(), OutboxMailer(), subject_key).subscribe(
            subscription.email, subscription.policy_version
        )
        # Same answer whether or not the address is already known: no enumeration.
        return {"status": "confirmation_sent"}

    return json_response(
        202, StatusOut(**run_idempotent(app, "subscribe_newsletter", accept, subscription.model_dump()))
    )


def _posted_token(query_token: str | None) -> str:
    event = app.current_event
    return pages.posted_token(event.decoded_body, event.headers.get("Content-Type"), query_token)


CONFIRM_GONE_HINTS = (
    "Si vous avez déjà confirmé votre inscription, il n'y a rien à faire : vous recevez la newsletter.",
    f"Sinon, inscrivez-vous à nouveau depuis {SITE_URL} : un nouveau lien vous sera envoyé.",
)
UNSUBSCRIBE_GONE_HINTS = (
    "Si vous vous êtes déjà désinscrit, il n'y a rien à faire : vous ne recevrez plus ces emails.",
    f"Sinon, écrivez à {CONTROLLER_EMAIL} ou utilisez la page « Mes données » : {SITE_URL}/droits.html",
)
UNSUBSCRIBED_FR = {
    "newsletter": "Vous êtes désinscrit de la newsletter JAQE : votre adresse a été supprimée de la liste "
    "et vous ne recevrez plus d'offres.",
    "similar_services_emails": "Vous ne recevrez plus nos emails sur des services complémentaires : votre "
    "opposition est enregistrée.",
}


@app.get(
    "/v1/newsletter/confirm",
    responses=pages.page_only(
        "A page whose form confirms the subscription (opening the link changes nothing)"
    ),
)
def get_confirm(token: Token) -> Response[Any]:
    return pages.link_page(
        Tokens(Store()).usable("newsletter_confirm", token),
        pages.Page(
            title="Confirmez votre inscription",
            paragraphs=[
                "Vous avez demandé à recevoir la newsletter et les offres de JAQE par email.",
                "Pour confirmer votre inscription, cliquez sur le bouton ci-dessous. Si vous n'êtes pas "
                "à l'origine de cette demande, fermez simplement cette page : aucune inscription ne sera "
                "enregistrée.",
            ],
            form=pages.Form(token=token, button="Confirmer mon inscription"),
        ),
        CONFIRM_GONE_HINTS,
    )


@app.post(
    "/v1/newsletter/confirm",
    responses=pages.page_or_json(StatusOut, "Subscription confirmed: a page, or JSON for a JSON client"),
    openapi_extensions=pages.TOKEN_BODY_OPENAPI,
)
def post_confirm(token: Annotated[str | None, Query(max_length=200)] = None) -> Response[Any]:
    return pages.link_action(
        app.current_event.headers,
        lambda: Newsletter(Store(), OutboxMailer(), subject_key).confirm(_posted_token(token)),
        done=lambda _: pages.Page(
            title="Inscription confirmée",
            paragraphs=[
                "Votre inscription à la newsletter JAQE est confirmée. Chaque email contient un lien "
                "pour vous désinscrire à tout moment."
            ],
            tone="success",
        ),
        as_json=lambda _: json_response(200, StatusOut(status="confirmed")),
        gone_hints=CONFIRM_GONE_HINTS,
    )


@app.get(
    "/v1/newsletter/unsubscribe",
    responses=pages.page_only("A page whose form unsubscribes (opening the link changes nothing)"),
)
def get_unsubscribe(token: Token) -> Response[Any]:
    return pages.link_page(
        Tokens(Store()).usable("unsubscribe", token),
        pages.Page(
            title="Se désinscrire",
            paragraphs=["Pour ne plus recevoir ces emails de JAQE, cliquez sur le bouton ci-dessous."],
            form=pages.Form(token=token, button="Me désinscrire"),
        ),
        UNSUBSCRIBE_GONE_HINTS,
    )


@app.post(
    "/v1/newsletter/unsubscribe",
    responses=pages.page_or_json(Unsubscribed, "Unsubscribed: a page, or JSON for a JSON client"),
    openapi_extensions=pages.ONE_CLICK_BODY_OPENAPI,
)
def post_unsubscribe(token: Annotated[str | None, Query(max_length=200)] = None) -> Response[Any]:
    # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the URL that carries the token; the
    # page's form posts it as a field; the site may send {"token": ...} as JSON.
    return pages.link_action(
        app.current_event.headers,
        lambda: unsubscribe(Store(), OutboxMailer(), _posted_token(token)),
        done=lambda purpose: pages.Page(
            title="Désinscription enregistrée",
            paragraphs=[UNSUBSCRIBED_FR.get(purpose, "Votre désinscription est enregistrée.")],
            tone="success",
        ),
        as_json=lambda purpose: json_response(200, Unsubscribed(status="unsubscribed", purpose=purpose)),
        gone_hints=UNSUBSCRIBE_GONE_HINTS,
    )


handler = api_handler(app)
