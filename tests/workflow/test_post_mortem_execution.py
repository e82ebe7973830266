"""Post-mortem directives for life (issue 20, item 2; C7-08): kept with no expiry until an operator
records the death and executes them, and what the execution answers and records is what happened.
Through the API handlers, the real ASL on moto and the domain clock."""

from __future__ import annotations

from datetime import timedelta

from jaqe.platform import clock
from jaqe.privacy.periods import Period, add_period

from tests.workflow.conftest import token_of
from tests.workflow.seeds import PERSON, seed_person

DESIGNATED = {"name": "Alex Martin", "email": "alex.martin@example.fr"}
EXECUTIONS = "/v1/admin/rights-requests/post-mortem-executions"


def directives_item(rights) -> dict | None:
    key = rights.subject_key(PERSON["email"])
    return rights.table.get_item(Key={"pk": f"SUBJECT#{key}", "sk": "POST_MORTEM"}).get("Item")


def set_directives(rights, on_death: str, instructions: str) -> str:
    request_id, execution = rights.run(
        {
            "type": "post_mortem_directives",
            "email": PERSON["email"],
            "directives": {
                "on_death": on_death,
                "instructions": instructions,
                "designated_person": DESIGNATED,
            },
        }
    )
    assert execution["status"] == "SUCCEEDED", rights.states(request_id)
    return request_id


def reconcile(rights) -> dict:
    return rights.local.lambdas.invoke_by_name("reconciliation", {})


def test_c7_08_directives_outlive_ten_years_of_reconciliation_until_executed_then_become_a_trace(rights):
    start = clock.now()
    request_id = set_directives(rights, "keep", "Conserver mes données.")
    stored = directives_item(rights)
    assert stored["purpose"] == "post_mortem_directives" and "expires_at" not in stored

    # The request that set them follows the rights-request rule (5 years 3 months): reconciliation
    # purges it, which shows it runs, while the directives stay.
    clock.travel(add_period(start, Period(years=5, months=3, days=2)) - clock.now())
    assert reconcile(rights)["purged_by_purpose"].get("rights_requests", 0) >= 1
    assert rights.record(request_id) is None
    clock.travel(add_period(start, Period(years=10, days=1)) - clock.now())
    reconcile(rights)
    assert directives_item(rights)["directives"]["instructions"] == "Conserver mes données."

    executed = rights.admin("POST", EXECUTIONS, {"email": PERSON["email"]})

    assert executed.status == 202, executed.body
    answer = executed.json()
    assert answer["status"] == "kept" and answer["executed_action"] == "keep"
    assert answer["designated_person_notified"] is False and answer["executed_at"].startswith(
        clock.now().date().isoformat()
    )
    assert rights.emails_to(DESIGNATED["email"]) == []  # keep records only
    trace = directives_item(rights)
    assert trace["status"] == "executed" and trace["executed_by"].endswith("alice")
    # Executed, the item is the trace of a rights request: it now expires like one.
    assert trace["purpose"] == "rights_requests" and int(trace["expires_at"]) > clock.epoch()


def test_c7_08_communicate_emails_the_designated_person_a_link_whose_confirmation_sends_directives_and_export(
    rights,
):
    seed_person(rights)
    set_directives(rights, "communicate", "Transmettre mes données à Alex.")

    executed = rights.admin("POST", EXECUTIONS, {"email": PERSON["email"]})

    assert executed.status == 202, executed.body
    answer = executed.json()
    assert answer["status"] == "awaiting_designated_person"
    assert answer["designated_person_notified"] is False  # a link is sent, nothing of the person yet
    request_id = answer["communication_request_id"]
    [first] = rights.emails_to(DESIGNATED["email"])
    assert "Transmettre mes données" not in first["text"] and PERSON["email"] not in first["text"]
    [link] = [lnk for lnk in first["links"] if "/post-mortem-confirmation?" in lnk]
    assert directives_item(rights)["status"] == "awaiting_designated_person"

    # Opening the link shows a page; only its button acts.
    page = rights.local.api.request("GET", link, headers={"Accept": "text/html"})
    assert page.status == 200 and 'method="post"' in page.body
    assert rights.record(request_id)["status"] == "awaiting_verification"
    assert len(rights.emails_to(DESIGNATED["email"])) == 1

    confirmed = rights.local.api.request("POST", link)

    assert confirmed.status == 200, confirmed.body
    assert rights.wait(request_id)["status"] == "SUCCEEDED", rights.states(request_id)
    sent = rights.wait_for_email(DESIGNATED["email"], "Réponse à votre demande")
    assert "Transmettre mes données à Alex." in sent["text"]
    [json_link] = [lnk for lnk in sent["links"] if "format=json" in lnk]
    export = rights.get(json_link)
    assert export.status == 200 and PERSON["phone"] in export.body
    record = directives_item(rights)
    assert record["status"] == "executed" and record["executed_action"] == "communicate"
    assert record["confirmed_at"] <= record["communicated_at"]
    steps = [h["step"] for h in rights.record(request_id)["history"]]
    assert steps.index("designated_person_confirmed") < steps.index("access_export_ready")
    # The link is spent, and the operator is told what happened.
    assert rights.local.api.request("POST", link).status == 410
    again = rights.admin("POST", EXECUTIONS, {"email": PERSON["email"]}).json()
    assert again["status"] == "communicated" and again["designated_person_notified"] is True
    assert again["communicated_at"] == record["communicated_at"]
    assert len(rights.emails_to(DESIGNATED["email"])) == 2  # the link, then the data: nothing more


def test_c7_08_an_unconfirmed_link_sends_nothing_and_an_operator_may_send_a_fresh_one(rights):
    set_directives(rights, "communicate", "Transmettre mes données à Alex.")
    first = rights.admin("POST", EXECUTIONS, {"email": PERSON["email"]}).json()
    clock.travel(timedelta(days=31))  # the link works 30 days

    [old] = [lnk for lnk in rights.emails_to(DESIGNATED["email"])[0]["links"] if "confirmation?" in lnk]
    assert rights.local.api.request("POST", old).status == 410
    again = rights.admin("POST", EXECUTIONS, {"email": PERSON["email"]}).json()

    assert again["communication_request_id"] == first["communication_request_id"]
    assert again["executed_at"] == first["executed_at"] and again["designated_person_notified"] is False
    links = [m["links"] for m in rights.emails_to(DESIGNATED["email"])]
    assert len(links) == 2 and token_of(links[1][0]) != token_of(old)
    assert not [m for m in rights.emails_to(DESIGNATED["email"]) if "Réponse" in m["subject"]]


def test_c7_08_an_erasure_that_cannot_start_leaves_the_directives_as_they_were(rights, monkeypatch):
    from jaqe.platform.workflows import StepFunctionsWorkflows

    set_directives(rights, "erase", "Effacer mes données.")
    before = directives_item(rights)
    requests_before = [i for i in rights.scan() if i.get("item_type") == "rights_request"]

    def unavailable(self, name, payload):
        raise RuntimeError("Step Functions unavailable")

    with monkeypatch.context() as patched:
        patched.setattr(StepFunctionsWorkflows, "start", unavailable)
        failed = rights.admin("POST", EXECUTIONS, {"email": PERSON["email"]})

    assert failed.status == 503, failed.body
    assert directives_item(rights) == before
    assert [i for i in rights.scan() if i.get("item_type") == "rights_request"] == requests_before
    retried = rights.admin("POST", EXECUTIONS, {"email": PERSON["email"]}).json()
    assert retried["status"] == "erasure_started"
    assert rights.wait(retried["erasure_request_id"])["status"] == "SUCCEEDED"
    assert directives_item(rights) is None
