"""Moving a person to a new subject key (an email rectification, issue 20 item 6) on the real table:
found through the subject index, written new then old deleted, safe to run again after a failure."""

from __future__ import annotations

from typing import Any

from jaqe.platform.store import Store
from jaqe.privacy.rekey import AddressChange, holds_address, rekey_subject
from jaqe.privacy.subject_flags import Subjects

from jaqe_dev.stack import LocalStack

OLD, NEW = "a" * 64, "b" * 64
CHANGE = AddressChange(OLD, NEW, "Old.Person@example.fr", "new.person@example.fr")


def held(key: str) -> dict[str, Any]:
    return {"subject_key": key, "purpose": "quote_matching", "created_at": "2026-11-01T10:00:00+00:00"}


def seed(store: Store) -> None:
    store.put(
        {
            "pk": "LEAD#l1",
            "sk": "LEAD",
            "item_type": "lead",
            "contact": {"email": "old.person@example.fr", "first_name": "Ana"},
            "project": {"description": "écrire à old.person@example.fr"},  # free text: not a field to move
            **held(OLD),
        }
    )
    store.put(
        {"pk": f"SUBJECT#{OLD}", "sk": "FLAGS", "item_type": "subject_flags", "restricted": True, **held(OLD)}
    )
    store.put(
        {"pk": f"SUBJECT#{OLD}", "sk": "CONSENT#newsletter#t#c1", "item_type": "consent_event", **held(OLD)}
    )
    store.put({"pk": f"NEWSLETTER#{OLD}", "sk": "SUBSCRIPTION", "item_type": "newsletter_subscription",
               "email": "old.person@example.fr", **held(OLD)})  # fmt: skip
    store.put({"pk": "RIGHTS#r1", "sk": "CONTACT", "item_type": "rights_request_contact",
               "email": "old.person@example.fr", **held(OLD)})  # fmt: skip
    store.put({"pk": f"BOUNCE#{OLD}", "sk": "BOUNCE", "item_type": "mail_block", **held(OLD)})
    # The new address's own flags: an objection made under it.
    store.put({"pk": f"SUBJECT#{NEW}", "sk": "FLAGS", "item_type": "subject_flags",
               "objections": ["similar_services_emails"], **held(NEW)})  # fmt: skip


def test_everything_moves_but_what_is_about_the_old_address_and_a_second_run_changes_nothing(
    local: LocalStack,
) -> None:
    store = Store(local.data_table)
    seed(store)
    # A previous run stopped after writing the consent under the new key, before deleting the old one.
    store.put(
        {"pk": f"SUBJECT#{NEW}", "sk": "CONSENT#newsletter#t#c1", "item_type": "consent_event", **held(NEW)}
    )

    result = rekey_subject(store, CHANGE, keep_address=lambda item: item["pk"] == "RIGHTS#r1")

    assert [i["item_type"] for i in store.by_subject(OLD)] == ["mail_block"]
    moved = {(i["pk"], i["sk"]): i for i in store.by_subject(NEW)}
    assert moved[("LEAD#l1", "LEAD")]["contact"] == {"email": CHANGE.new_email, "first_name": "Ana"}
    assert "old.person@example.fr" in moved[("LEAD#l1", "LEAD")]["project"]["description"]
    assert moved[(f"NEWSLETTER#{NEW}", "SUBSCRIPTION")]["email"] == CHANGE.new_email
    assert moved[("RIGHTS#r1", "CONTACT")]["email"] == "old.person@example.fr"  # kept as asked
    flags = moved[(f"SUBJECT#{NEW}", "FLAGS")]
    assert flags["restricted"] is True and flags["objections"] == ["similar_services_emails"]
    assert len([k for k in moved if k[1].startswith("CONSENT#")]) == 1
    assert dict(result.moved) == {"newsletter_subscription": 1}
    assert dict(result.updated) == {"lead": 1, "rights_request_contact": 1}
    assert dict(result.kept_existing) == {"subject_flags": 1, "consent_event": 1}

    again = rekey_subject(store, CHANGE)

    assert again.total == 0
    assert {(i["pk"], i["sk"]): i for i in store.by_subject(NEW)} == moved


def test_the_suppression_entry_stays_with_the_old_key(local: LocalStack) -> None:
    store = Store(local.data_table)
    Subjects(store).suppress(OLD, reason="hard_bounce")

    assert rekey_subject(store, CHANGE).total == 0
    assert Subjects(store).status(OLD).suppressed and not Subjects(store).status(NEW).suppressed


def test_an_address_is_found_in_email_fields_whatever_its_case() -> None:
    item = {"shared": {"email": "OLD.person@example.fr"}, "note": "old.person@example.fr"}

    assert holds_address(item, "old.person@example.fr")
    assert not holds_address({"note": "old.person@example.fr"}, "old.person@example.fr")
