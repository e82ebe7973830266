"""The data inventory as code: every item family the code writes is in it, and what an erasure
answer says remains comes from it (C7-04), as does the Art. 30 record's "where"."""

from __future__ import annotations

import re
from pathlib import Path

from jaqe.privacy import policy
from jaqe.privacy.inventory import (
    INVENTORY,
    ITEM_FAMILIES,
    erasure_keeps,
    what_remains_after_erasure,
    where_for,
)
from jaqe.privacy.register import PurposeId
from jaqe.rights.model import RequestType
from jaqe.rights.workflow import answer_paragraphs

LAYER = Path(__file__).resolve().parents[2] / "layers" / "jaqe" / "python" / "jaqe"
WRITTEN = re.compile(r'"item_type": "([a-z_]+)"')


def test_c7_04_every_item_family_the_code_writes_is_in_the_inventory():
    written = {m for path in LAYER.rglob("*.py") for m in WRITTEN.findall(path.read_text())}
    assert written, "the pattern no longer finds the item types the code writes"
    assert written - ITEM_FAMILIES.keys() == set()


def test_c7_04_an_erasure_keeps_only_the_request_trace_the_suppression_entry_the_consent_proofs_and_holds():
    """Issue 20 adds the pseudonymous consent proofs (Art. 7(1), item 8) and the record of a hold (the
    operator's, item 1: what it keeps is kept until it is lifted) to what an erasure keeps."""
    assert erasure_keeps() == {"rights_request", "suppression", "consent_proof", "legal_hold"}


def test_c7_04_the_erasure_answer_lists_what_remains_from_the_inventory_and_nothing_else():
    remains = what_remains_after_erasure()
    joined = " ".join(remains)
    assert "liste d'opposition" in joined and "trace de vos demandes" in joined
    assert "preuve des consentements" in joined and "cinq ans" in joined
    assert "trente-cinq jours" in joined and "douze mois" in joined
    assert not any("archive" in line for line in remains)
    assert any("archive" in line for line in what_remains_after_erasure(archived_profile=True))

    paragraphs, no_action = answer_paragraphs(RequestType.ERASURE, {"erased": {"lead": 1}, "kept": []})
    assert not no_action
    for line in remains:
        assert line in paragraphs[-1]


def test_c7_04_the_art30_record_says_where_each_purpose_is_held_from_the_inventory():
    assert where_for(PurposeId.PROFESSIONAL_LISTING) == [
        "data_table",
        "documents",
        "professional_logins",
        "point_in_time_recovery",
    ]
    rows = policy.art30_rows()
    assert all(row[-1] for row in rows)
    places = {p.split(" (")[0] for row in rows for p in row[-1].split(" ; ")}
    assert places <= INVENTORY.keys()
    logs = next(
        dict(zip(policy.ART30_COLUMNS, r, strict=True)) for r in rows if r[0] == "Journaux des serveurs"
    )
    # The functions' logs and the access logs; in the table, only the hour's mail-rate counters.
    assert [p.split(" (")[0] for p in logs["lieux de conservation"].split(" ; ")] == [
        "data_table",
        "function_logs",
        "s3_access_logs",
        "point_in_time_recovery",
    ]
