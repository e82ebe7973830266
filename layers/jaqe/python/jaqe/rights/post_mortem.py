"""Carrying out a deceased person's directives (loi Informatique et Libertés, art. 85).

An operator records the death (`POST /v1/admin/rights-requests/post-mortem-executions`):
- `erase`: an erasure request runs through the rights workflow, answered to the designated person;
- `keep`: recorded only;
- `communicate`: a request is opened for the designated person, who is emailed a link first. Its page's
  button (`POST /v1/rights-requests/post-mortem-confirmation`) starts the workflow, which builds the
  access export and sends it with the directives to that address; the directives' item then says so.

The answer and the directives' item say what happened, never more: the designated person is
`notified` only once the directives have been sent to them.
"""

from __future__ import annotations

from typing import Any

from jaqe.platform import clock, templates
from jaqe.platform.errors import Conflict, LinkGone, NotFound, TemporarilyUnavailable
from jaqe.platform.ids import new_id
from jaqe.platform.mail import Mailer
from jaqe.platform.observability import logger
from jaqe.platform.store import Item, Store
from jaqe.platform.tokens import Tokens
from jaqe.platform.workflows import Workflows
from jaqe.privacy.register import PurposeId
from jaqe.rights.model import RequestContact, RequestStatus, RequestType, RightsInput
from jaqe.rights.records import (
    AWAITING_DESIGNATED_PERSON,
    DIRECTIVES_EXECUTED,
    POST_MORTEM_LINK,
    POST_MORTEM_LINK_TTL,
    PostMortemRecords,
    RightsRequestRecords,
)

CHANNEL = "post_mortem"
# What a post-mortem request's contact item asks the workflow to do (no directive of the person's own).
EXECUTION_PARAM = "post_mortem_execution"


def confirmation_url(public_api_url: str, token: str) -> str:
    return f"{public_api_url}/v1/rights-requests/post-mortem-confirmation?token={token}"


class PostMortemExecution:
    def __init__(self, store: Store, workflows: Workflows, mailer: Mailer, public_api_url: str) -> None:
        self.store = store
        self.workflows = workflows
        self.mailer = mailer
        self.public_api_url = public_api_url
        self.requests = RightsRequestRecords(store)
        self.directives = PostMortemRecords(store)

    def execute(self, email: str, subject_key: str, *, operator: str) -> dict[str, Any]:
        """Carry out the directives stored for this address; the answer says what was done."""
        item = self.directives.get(subject_key)
        if item is None:
            raise NotFound("Aucune directive post mortem n'est enregistrée pour cette adresse.")
        if item.get("status") == DIRECTIVES_EXECUTED or item.get("erasure_request_id"):
            return outcome(item)  # done (or erasing) already: nothing is done twice
        directives = item["directives"]
        on_death = str(directives.get("on_death"))
        designated = (directives.get("designated_person") or {}).get("email")
        if on_death == "erase":
            request_id = self._open(email, subject_key, RequestType.ERASURE, designated or email, operator)
            item = self.directives.executing(subject_key, on_death, operator, erasure_request_id=request_id)
            try:
                _start(self.workflows, request_id, RequestType.ERASURE, subject_key)  # erases them too
            except Exception as error:  # nothing half-done: the operator simply retries
                logger.exception("post-mortem erasure did not start", extra={"request_id": request_id})
                self.directives.not_executed(subject_key)
                self.requests.discard(self.requests.get(request_id))
                raise TemporarilyUnavailable("L'effacement n'a pas pu être lancé, réessayez.") from error
        elif on_death == "communicate":
            if not designated:
                raise Conflict("Ces directives demandent une communication mais ne désignent personne.")
            request_id = item.get("communication_request_id") or self._open(
                email, subject_key, RequestType.POST_MORTEM_DIRECTIVES, designated, operator
            )
            token = Tokens(self.store).issue(
                POST_MORTEM_LINK,
                {"request_id": request_id, "purpose": PurposeId.POST_MORTEM_DIRECTIVES.value},
                ttl=POST_MORTEM_LINK_TTL,
                subject_key=subject_key,
            )
            self.mailer.send(
                templates.post_mortem_designated_person_link(
                    designated,
                    confirmation_url(self.public_api_url, token),
                    POST_MORTEM_LINK_TTL.days,
                    about=subject_key,
                )
            )
            self.requests.log(request_id, "designated_person_link_sent", operator=operator)
            item = self.directives.executing(
                subject_key,
                on_death,
                operator,
                status=AWAITING_DESIGNATED_PERSON,
                communication_request_id=request_id,
                link_sent_at=clock.now().isoformat(),
            )
        else:  # keep: the data follows its usual retention; the execution is recorded
            self.directives.executing(subject_key, on_death, operator)
            item = self.directives.executed(subject_key)
        logger.info(
            "post-mortem directives executed",
            extra={"subject_key": subject_key, "operator": operator, "on_death": on_death},
        )
        return outcome(item)

    def _open(
        self, email: str, subject_key: str, request_type: RequestType, answer_to: str, operator: str
    ) -> str:
        """The request that carries the execution out: the deceased's address (their subject key),
        answered to the designated person."""
        request_id = new_id("rr")
        params = (
            {EXECUTION_PARAM: "communicate"} if request_type is RequestType.POST_MORTEM_DIRECTIVES else {}
        )
        contact = RequestContact(email=email, params=params, answer_to=answer_to)
        self.requests.create(request_id, request_type, subject_key, contact, channel=CHANNEL)
        self.requests.log(request_id, "post_mortem_execution", operator=operator, type=request_type.value)
        if request_type is RequestType.POST_MORTEM_DIRECTIVES:
            self.requests.transition(
                request_id, RequestStatus.AWAITING_VERIFICATION, "awaiting_designated_person"
            )
        return request_id


def _start(workflows: Workflows, request_id: str, request_type: RequestType, subject_key: str) -> None:
    """The workflow of a post-mortem request: verified already (by the operator, or the designated
    person's confirmation)."""
    payload = RightsInput(
        request_id=request_id, type=request_type, subject_key=subject_key, channel=CHANNEL, verified=True
    )
    workflows.start(request_id, payload.model_dump(mode="json"))


def confirm_designated_person(token: str, *, store: Store, workflows: Workflows) -> str:
    """The designated person's button: their address is proven, the workflow builds the export and
    sends it with the directives. Single use; the link works again if the workflow cannot start."""
    requests = RightsRequestRecords(store)
    with Tokens(store).redeeming(POST_MORTEM_LINK, token) as (payload, live):
        request_id = str(payload["request_id"])
        record = requests.get(request_id) if live else None
        # Closed by an operator, or already confirmed through another link: the link is spent.
        awaiting = record is not None and record["status"] == RequestStatus.AWAITING_VERIFICATION.value
        if record is not None and awaiting:
            _start(workflows, request_id, RequestType.POST_MORTEM_DIRECTIVES, record["subject_key"])
            requests.log(request_id, "designated_person_confirmed")
            PostMortemRecords(store).confirmed(record["subject_key"])
    if not awaiting:
        raise LinkGone()
    logger.info("post-mortem communication confirmed", extra={"request_id": request_id})
    return request_id


def outcome(item: Item) -> dict[str, Any]:
    """What the operator is answered: what was done, and what is still awaited."""
    action = str(item.get("executed_action") or item["directives"].get("on_death"))
    status = {
        "erase": "erasure_started",
        "keep": "kept",
        "communicate": "communicated" if item.get("communicated_at") else AWAITING_DESIGNATED_PERSON,
    }[action]
    answer: dict[str, Any] = {
        "on_death": item["directives"].get("on_death"),
        # True only once the directives and the data have reached the designated person.
        "designated_person_notified": bool(item.get("communicated_at")),
        "status": status,
        "executed_action": action,
        "executed_at": item.get("executed_at"),
    }
    for field in (
        "erasure_request_id",
        "communication_request_id",
        "link_sent_at",
        "confirmed_at",
        "communicated_at",
    ):
        if item.get(field):
            answer[field] = item[field]
    return answer
