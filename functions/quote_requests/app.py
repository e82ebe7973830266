"""POST /v1/quote-requests: a consumer's project, contact and consents; matched and shared.

/v1/consents/confirm: the link of the quote confirmation email that makes the consent to commercial
partners count (the address confirmed). Its GET answers a page whose form POSTs the token; only the
POST acts (mail scanners open links).

/v1/quote-requests/{request_id}/acceptance: the link of the quote confirmation email where the consumer
accepts a quote (C3-04). Its GET lists the professionals the request was shared with, one button each;
only the POST (`token`, `professional_id`) records the acceptance.
"""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from jaqe.leads.acceptance import QuoteAcceptances
from jaqe.leads.model import QuoteAcceptance, QuoteRequestAccepted, QuoteRequestIn
from jaqe.leads.partners import PartnerConsents
from jaqe.leads.quotes import QuoteRequests
from jaqe.platform import pages
from jaqe.platform.api import (
    StatusOut,
    api_handler,
    create_app,
    json_response,
    run_idempotent,
    source_site,
)
from jaqe.platform.controller import CONTROLLER_EMAIL, SITE_URL
from jaqe.platform.errors import DomainError
from jaqe.platform.observability import metrics
from jaqe.platform.settings import (
    DataSettings,
    IdempotencySettings,
    LinkSettings,
    MatchingSettings,
    OutboxSettings,
    SiteSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.privacy.outbox import OutboxMailer
from jaqe.privacy.subject_keys import subject_key


class Settings(
    SiteSettings,
    DataSettings,
    IdempotencySettings,
    SubjectKeySettings,
    OutboxSettings,
    MatchingSettings,
    LinkSettings,  # the confirmation links: commercial partners consent, newsletter double opt-in
):
    """What quote_requests reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()


@app.post("/v1/quote-requests", responses={201: {"description": "Lead stored and shared"}})
def post_quote_request(request: Annotated[QuoteRequestIn, Body()]) -> Response[QuoteRequestAccepted]:
    origin = source_site(app)

    def accept() -> dict:
        use_case = QuoteRequests(
            Store(), OutboxMailer(), subject_key, max_matches=get_settings(Settings).max_matches
        )
        return use_case.submit(request, source_site=origin).model_dump()

    accepted = QuoteRequestAccepted(
        **run_idempotent(app, "submit_quote_request", accept, request.model_dump())
    )
    metrics.add_metric(name="QuoteRequestAccepted", unit="Count", value=1)
    metrics.add_metric(name="ProfessionalsMatched", unit="Count", value=accepted.matched_professionals)
    return json_response(201, accepted)


CONFIRM_GONE_HINTS = (
    "Si vous avez déjà confirmé, il n'y a rien à faire : votre accord est enregistré.",
    "Sinon, le lien a expiré (30 jours) ou votre choix a changé depuis : aucune coordonnée n'est "
    "transmise à nos partenaires commerciaux sans votre confirmation. Pour donner votre accord, "
    f"cochez la case correspondante lors d'une nouvelle demande sur {SITE_URL}, ou écrivez à {CONTROLLER_EMAIL}.",
)


@app.get(
    "/v1/consents/confirm",
    responses=pages.page_only("A page whose form confirms the consent (opening the link changes nothing)"),
)
def get_consent_confirmation(token: Annotated[str, Query(min_length=20, max_length=200)]) -> Response[Any]:
    return pages.link_page(
        PartnerConsents(Store()).usable(token),
        pages.Page(
            title="Confirmez votre accord",
            paragraphs=[
                "Lors de votre demande de devis, vous avez accepté que vos coordonnées soient transmises à "
                "des partenaires commerciaux de JAQE pouvant vous proposer des services complémentaires.",
                "Pour confirmer que cette adresse email est la vôtre et que vous donnez cet accord, cliquez "
                "sur le bouton ci-dessous. Si vous n'êtes pas à l'origine de cette demande, fermez simplement "
                "cette page : rien ne sera transmis.",
            ],
            form=pages.Form(token=token, button="Confirmer mon accord"),
        ),
        CONFIRM_GONE_HINTS,
    )


@app.post(
    "/v1/consents/confirm",
    responses=pages.page_or_json(StatusOut, "Consent confirmed: a page, or JSON for a JSON client"),
    openapi_extensions=pages.TOKEN_BODY_OPENAPI,
)
def post_consent_confirmation(token: Annotated[str | None, Query(max_length=200)] = None) -> Response[Any]:
    event = app.current_event
    return pages.link_action(
        event.headers,
        lambda: PartnerConsents(Store()).confirm(
            pages.posted_token(event.decoded_body, event.headers.get("Content-Type"), token)
        ),
        done=lambda _: pages.Page(
            title="Accord confirmé",
            paragraphs=[
                "Votre accord est confirmé : vos coordonnées pourront être transmises à nos partenaires "
                "commerciaux. Vous pouvez le retirer à tout moment depuis la page « Mes données » "
                f"({SITE_URL}/droits.html) ou en écrivant à {CONTROLLER_EMAIL}."
            ],
            tone="success",
        ),
        as_json=lambda _: json_response(200, StatusOut(status="confirmed")),
        gone_hints=CONFIRM_GONE_HINTS,
    )


ACCEPTANCE_GONE_HINTS = (
    "Ce lien ne vaut que tant que nous conservons votre demande de devis (trois ans après votre dernière "
    "prise de contact), et plus du tout après un effacement de vos données.",
    f"Pour toute question sur une demande en cours, écrivez à {CONTROLLER_EMAIL}.",
)
RequestId = Annotated[str, Path(min_length=1, max_length=80)]
_FIELDS_SCHEMA = {
    "type": "object",
    "required": ["professional_id"],
    "properties": {
        "token": {"type": "string", "maxLength": pages.TOKEN_MAX_LENGTH},
        "professional_id": {"type": "string", "maxLength": 80},
    },
}
ACCEPTANCE_BODY_OPENAPI = {
    "requestBody": {
        "required": True,
        "description": "The link's token (or in the query) and the professional whose quote is accepted: "
        "the page's form, or JSON",
        "content": {
            "application/x-www-form-urlencoded": {"schema": _FIELDS_SCHEMA},
            "application/json": {"schema": _FIELDS_SCHEMA},
        },
    }
}


@app.get(
    "/v1/quote-requests/<request_id>/acceptance",
    responses={
        **pages.page_only(
            "The professionals the request was shared with, one button each (opening it changes nothing)"
        ),
        404: {
            "description": "The link belongs to another request",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
    },
)
def get_quote_acceptance(
    request_id: RequestId, token: Annotated[str, Query(min_length=20, max_length=200)]
) -> Response[Any]:
    try:
        offers = QuoteAcceptances(Store()).offers(request_id, token)
    except DomainError as error:
        return pages.error_page(error, ACCEPTANCE_GONE_HINTS if error.status == 410 else ())
    return pages.page_response(
        pages.Page(
            title="Quel devis acceptez-vous ?",
            paragraphs=[
                f"Votre demande de devis {request_id} a été transmise aux professionnels ci-dessous. Quand "
                "vous avez choisi un devis, cliquez sur le bouton du professionnel retenu : il conservera "
                "alors vos données le temps nécessaire à la prestation.",
            ],
            facts=[
                (o.company_name, f"devis accepté le {o.accepted_at[:10]}") for o in offers if o.accepted_at
            ],
            forms=[
                pages.Form(
                    token=token,
                    button=f"J'accepte le devis de {o.company_name}",
                    fields=[("professional_id", o.professional_id)],
                )
                for o in offers
                if not o.accepted_at
            ],
        )
    )


@app.post(
    "/v1/quote-requests/<request_id>/acceptance",
    responses={
        **pages.page_or_json(QuoteAcceptance, "Acceptance recorded: a page, or JSON for a JSON client"),
        404: {"description": "The link belongs to another request (problem document)"},
        410: {"description": "Unknown or expired link, or the request is gone (problem document)"},
        422: {
            "description": "No professional named, or one the request was not shared with (problem document)"
        },
    },
    openapi_extensions=ACCEPTANCE_BODY_OPENAPI,
)
def post_quote_acceptance(
    request_id: RequestId, token: Annotated[str | None, Query(max_length=200)] = None
) -> Response[Any]:
    event = app.current_event
    body, content_type = event.decoded_body, event.headers.get("Content-Type")
    return pages.link_action(
        event.headers,
        lambda: QuoteAcceptance(
            **QuoteAcceptances(Store()).accept(
                request_id,
                pages.posted_token(body, content_type, token),
                pages.posted_value(body, content_type, "professional_id"),
            )
        ),
        done=lambda accepted: pages.Page(
            title="Devis accepté",
            paragraphs=[
                f"Vous avez accepté le devis de {accepted.company_name}. Ce professionnel conserve vos "
                "données le temps nécessaire à la prestation.",
                f"Pour toute question, écrivez à {CONTROLLER_EMAIL}.",
            ],
            tone="success",
        ),
        as_json=lambda accepted: json_response(200, accepted),
        gone_hints=ACCEPTANCE_GONE_HINTS,
    )


handler = api_handler(app)
