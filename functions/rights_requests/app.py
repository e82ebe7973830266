"""Public rights-request routes: submit, confirm from the verification link, status, export download.

The verification link never acts on GET (mail scanners open links): it answers a page whose form
POSTs the token back; the POST confirms. The status link answers a page to a browser, JSON otherwise.
"""

from collections.abc import Callable
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from jaqe.platform import pages
from jaqe.platform.api import api_handler, create_app, json_response, run_idempotent
from jaqe.platform.controller import CONTROLLER_EMAIL, SITE_URL
from jaqe.platform.errors import DomainError
from jaqe.platform.objects import S3Objects
from jaqe.platform.observability import metrics
from jaqe.platform.settings import (
    ApiSettings,
    DataSettings,
    ExportsSettings,
    IdempotencySettings,
    LinkSettings,
    RightsWorkflowSettings,
    SubjectKeySettings,
    get_settings,
)
from jaqe.platform.store import Store
from jaqe.platform.tokens import Tokens
from jaqe.platform.workflows import StepFunctionsWorkflows
from jaqe.privacy.subject_keys import subject_key
from jaqe.rights.intake import read_export, submit_rights_request, verify
from jaqe.rights.model import RightsRequestAccepted, RightsRequestIn, RightsRequestStatus
from jaqe.rights.records import LINK_TOKEN_KINDS, NEW_ADDRESS, POST_MORTEM_LINK, RightsRequestRecords
from pydantic import BaseModel, ConfigDict


class Settings(
    ApiSettings,
    DataSettings,
    IdempotencySettings,
    SubjectKeySettings,
    RightsWorkflowSettings,
    ExportsSettings,
    LinkSettings,
):
    """What rights_requests reads from its environment (the infra construct that creates it sets exactly these)."""


get_settings(Settings)  # at import: a missing or invalid variable fails the cold start, not a request

app = create_app()
Token = Annotated[str, Query(min_length=20, max_length=200)]


def workflows() -> StepFunctionsWorkflows:
    return StepFunctionsWorkflows(get_settings(Settings).rights_state_machine_arn)


@app.post(
    "/v1/rights-requests", responses={202: {"description": "Request received; a verification email is sent"}}
)
def post_rights_request(request: Annotated[RightsRequestIn, Body()]) -> Response[Any]:
    def accept() -> dict:
        result = submit_rights_request(
            request,
            store=Store(),
            workflows=workflows(),
            subject_key=subject_key,
            public_api_url=get_settings(Settings).public_api_url,
        )
        return result.model_dump(mode="json")

    accepted = RightsRequestAccepted(
        **run_idempotent(app, "submit_rights_request", accept, request.model_dump(mode="json"))
    )
    metrics.add_metric(name="RightsRequestReceived", unit="Count", value=1)
    return json_response(202, accepted.model_dump(mode="json"))


class Verified(BaseModel):
    model_config = ConfigDict(defer_build=True)  # built by the confirmation routes, when first called

    request_id: str
    status: str
    message: str


VERIFIED_MESSAGE = "Votre demande est confirmée. Nous vous répondrons par email."
VERIFY_GONE_HINTS = (
    "Si vous avez déjà confirmé votre demande, il n'y a rien à faire : suivez-la avec le lien de suivi "
    "reçu dans le même email.",
    f"Sinon, déposez une nouvelle demande depuis la page « Mes données » : {SITE_URL}/droits.html",
)


@app.get(
    "/v1/rights-requests/verify",
    responses=pages.page_only("A page whose form confirms the request (opening the link changes nothing)"),
)
def get_verify(token: Token) -> Response[Any]:
    return pages.link_page(
        Tokens(Store()).usable("rights_verification", token),
        pages.Page(
            title="Confirmez votre demande",
            paragraphs=[
                "Vous avez demandé à exercer vos droits sur vos données personnelles auprès de JAQE.",
                "Pour confirmer que cette demande vient bien de vous, cliquez sur le bouton ci-dessous. "
                "Si vous n'êtes pas à l'origine de cette demande, fermez simplement cette page : rien ne sera fait.",
            ],
            form=pages.Form(token=token, button="Confirmer ma demande"),
        ),
        VERIFY_GONE_HINTS,
    )


@app.post(
    "/v1/rights-requests/verify",
    responses=pages.page_or_json(Verified, "Request confirmed: a page, or JSON for a JSON client"),
    openapi_extensions=pages.TOKEN_BODY_OPENAPI,
)
def post_verify(token: Annotated[str | None, Query(max_length=200)] = None) -> Response[Any]:
    return confirmed_by_link(
        token,
        lambda posted: verify(posted, store=Store(), workflows=workflows()),
        title="Demande confirmée",
        paragraphs=[VERIFIED_MESSAGE, "Suivez son avancement avec le lien de suivi reçu dans le même email."],
        status="verified",
        message=VERIFIED_MESSAGE,
        gone_hints=VERIFY_GONE_HINTS,
    )


def confirmed_by_link(
    token: str | None,
    act: Callable[[str], str],
    *,
    title: str,
    paragraphs: list[str],
    status: str,
    message: str,
    gone_hints: tuple[str, ...],
) -> Response[Any]:
    """The POST of a confirmation link's page: `act` on the posted token (it answers the request id),
    then a page to a browser or `Verified` JSON to a JSON client."""
    event = app.current_event
    return pages.link_action(
        event.headers,
        lambda: act(pages.posted_token(event.decoded_body, event.headers.get("Content-Type"), token)),
        done=lambda request_id: pages.Page(
            title=title, paragraphs=paragraphs, facts=[("Référence", request_id)], tone="success"
        ),
        as_json=lambda request_id: json_response(
            200, Verified(request_id=request_id, status=status, message=message)
        ),
        gone_hints=gone_hints,
    )


NEW_ADDRESS_CONFIRMED = "Votre nouvelle adresse est confirmée. Nous vous répondrons par email."
NEW_ADDRESS_GONE_HINTS = (
    "Si vous avez déjà confirmé cette adresse, il n'y a rien à faire : la réponse vous parviendra par email.",
    f"Sinon, la demande est close : déposez-en une nouvelle depuis la page « Mes données » : {SITE_URL}/droits.html",
)


@app.get(
    "/v1/rights-requests/confirm-address",
    responses=pages.page_only(
        "A page whose form confirms a new email address (opening the link changes nothing)"
    ),
)
def get_confirm_address(token: Token) -> Response[Any]:
    return pages.link_page(
        Tokens(Store()).usable(LINK_TOKEN_KINDS[NEW_ADDRESS], token),
        pages.Page(
            title="Confirmez votre nouvelle adresse email",
            paragraphs=[
                "Une demande de rectification reçue par JAQE indique cette adresse comme votre nouvelle adresse email.",
                "Si c'est bien la vôtre, cliquez sur le bouton ci-dessous : vos données y seront rattachées. "
                "Sinon, fermez simplement cette page : rien ne sera fait.",
            ],
            form=pages.Form(token=token, button="Confirmer ma nouvelle adresse"),
        ),
        NEW_ADDRESS_GONE_HINTS,
    )


@app.post(
    "/v1/rights-requests/confirm-address",
    responses=pages.page_or_json(Verified, "New address confirmed: a page, or JSON for a JSON client"),
    openapi_extensions=pages.TOKEN_BODY_OPENAPI,
)
def post_confirm_address(token: Annotated[str | None, Query(max_length=200)] = None) -> Response[Any]:
    return confirmed_by_link(
        token,
        lambda posted: verify(posted, store=Store(), workflows=workflows(), waiting_for=NEW_ADDRESS),
        title="Nouvelle adresse confirmée",
        paragraphs=[NEW_ADDRESS_CONFIRMED],
        status="address_confirmed",
        message=NEW_ADDRESS_CONFIRMED,
        gone_hints=NEW_ADDRESS_GONE_HINTS,
    )


POST_MORTEM_MESSAGE = (
    "Votre adresse est confirmée. Les directives et les données vous sont envoyées par email."
)
POST_MORTEM_GONE_HINTS = (
    "Si vous avez déjà confirmé, les directives et les données vous ont été envoyées par email.",
    f"Sinon, écrivez à {CONTROLLER_EMAIL} : notre équipe pourra vous envoyer un nouveau lien.",
)


@app.get(
    "/v1/rights-requests/post-mortem-confirmation",
    responses=pages.page_only(
        "A page whose button confirms the designated person's address (GET changes nothing)"
    ),
)
def get_post_mortem_confirmation(token: Token) -> Response[Any]:
    return pages.link_page(
        Tokens(Store()).usable(POST_MORTEM_LINK, token),
        pages.Page(
            title="Directives post mortem",
            paragraphs=[
                "Une personne vous a désigné(e), dans les directives qu'elle avait confiées à JAQE, pour "
                "recevoir ses données après son décès.",
                "Cliquez sur le bouton ci-dessous pour confirmer votre adresse : ses directives et ses "
                "données vous seront alors envoyées par email. Si ce message ne vous concerne pas, fermez "
                "simplement cette page : rien ne sera envoyé.",
            ],
            form=pages.Form(token=token, button="Confirmer et recevoir les données"),
        ),
        POST_MORTEM_GONE_HINTS,
    )


@app.post(
    "/v1/rights-requests/post-mortem-confirmation",
    responses=pages.page_or_json(Verified, "Confirmed: a page, or JSON for a JSON client"),
    openapi_extensions=pages.TOKEN_BODY_OPENAPI,
)
def post_post_mortem_confirmation(
    token: Annotated[str | None, Query(max_length=200)] = None,
) -> Response[Any]:
    """The designated person confirms their address: the workflow sends them the directives and the export."""
    # Post-mortem directives (their emails, their tokens) load with the designated person's link.
    from jaqe.rights.post_mortem import confirm_designated_person

    return confirmed_by_link(
        token,
        lambda posted: confirm_designated_person(posted, store=Store(), workflows=workflows()),
        title="Adresse confirmée",
        paragraphs=[POST_MORTEM_MESSAGE],
        status="confirmed",
        message=POST_MORTEM_MESSAGE,
        gone_hints=POST_MORTEM_GONE_HINTS,
    )


@app.get(
    "/v1/rights-requests/<request_id>",
    responses=pages.page_or_json(RightsRequestStatus, "The request's status: a page to a browser, else JSON"),
)
def get_status(request_id: str, token: Token) -> Response[Any]:
    html = pages.wants_html(app.current_event.headers)
    try:
        status = RightsRequestRecords(Store()).status_view(
            request_id, token, get_settings(Settings).public_api_url
        )
    except DomainError as error:
        if html:
            return pages.error_page(
                error, ("Vérifiez que l'adresse est complète : copiez-la depuis l'email reçu.",)
            )
        raise
    if html:
        return pages.page_response(status_page(status))
    return json_response(200, status.model_dump(mode="json"))


def _date(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def status_page(status: RightsRequestStatus) -> pages.Page:
    """The person's view of the request: type, state, dates, extension, the export when there is one."""
    facts = [
        ("Référence", status.request_id),
        ("Demande", status.type_label),
        ("État", status.status_label),
        ("Reçue le", _date(status.received_at)),
    ]
    if status.closed_at:
        facts.append(("Close le", _date(status.closed_at)))
    else:
        facts.append(("Réponse au plus tard le", _date(status.due_at)))
    if status.extended_until:
        facts.append(("Délai prolongé jusqu'au", _date(status.extended_until)))
        if status.extension_reason:
            facts.append(("Motif de la prolongation", status.extension_reason))
    links: list[tuple[str, str]] = []
    if status.export_url:
        names = {"json": "JSON", "csv": "CSV", "summary": "résumé lisible (texte)"}
        for fmt in status.export_formats or ["json"]:
            links.append(
                (f"Télécharger vos données : {names.get(fmt, fmt)}", f"{status.export_url}&format={fmt}")
            )
    notes = []
    if status.export_expires_at:
        notes.append(f"Le lien de téléchargement est valable jusqu'au {_date(status.export_expires_at)}.")
    notes.append(
        "Cette page ne montre aucune donnée personnelle. Pour toute question, écrivez à "
        f"{CONTROLLER_EMAIL} en indiquant la référence."
    )
    return pages.Page(title="Suivi de votre demande", facts=facts, links=links, notes=notes)


@app.get("/v1/rights-requests/<request_id>/export")
def get_export(
    request_id: str, token: Token, format: Annotated[Literal["json", "csv", "summary"], Query()] = "json"
) -> Response[Any]:
    body, content_type = read_export(
        request_id,
        token,
        format,
        store=Store(),
        objects=S3Objects(),
        bucket=get_settings(Settings).exports_bucket,
    )
    return Response(
        status_code=200,
        content_type=content_type,
        body=body.decode(),
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


handler = api_handler(app)
