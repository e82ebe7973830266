"""The published policy and the Art. 30 record, generated from the register, against the spec's text.

Every commitment of `spec/politique-de-confidentialite.txt` (each retention period, legal basis and
right) must appear in the generated page: change the register or the spec alone and these fail.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from html import unescape
from pathlib import Path

import pytest
from jaqe.platform import controller
from jaqe.privacy import policy, register
from jaqe.privacy.register import PURPOSES, RECIPIENTS, PurposeId, RecipientKind

ROOT = Path(__file__).resolve().parents[2]
# The published text, in the repository so that CI on a clean clone checks it; the team's shared
# copy (next to the repository, when present) must be the same text.
SPEC = ROOT / "docs" / "spec" / "politique-de-confidentialite.txt"
SHARED_SPEC = ROOT.parent / "shared" / "spec" / "politique-de-confidentialite.txt"
PUBLISHED = ROOT / "web" / "politique-de-confidentialite.html"

# Commitments the spec words in a way an automatic extraction cannot find: legal bases and the
# retention rules that are not a number of years or months. Each must be in the spec AND the page.
PHRASES = (
    "consentement",
    "mesures précontractuelles",
    "conditions générales",
    "intérêt légitime",
    "dernière prise de contact",
    "durée de votre référencement",
    "à des fins d'archivage",
    "vous décidiez de vous désinscrire",
    "durée appropriée à la gestion de votre demande",
    "placement initial du cookie",
    "durée nécessaire à la prestation",
)


def normalise(text: str) -> str:
    text = unescape(re.sub(r"<[^>]+>", " ", text)).replace("’", "'").lower()
    return re.sub(r"\s+", " ", text)


def spec_text() -> str:
    return normalise(SPEC.read_text(encoding="utf-8"))


def commitments(spec: str) -> set[str]:
    """Durations ("trois (3) ans"), the eight rights ("droit d'accès") and the phrases above."""
    durations = set(re.findall(r"\w+ \(\d+\) (?:ans|mois)", spec))
    rights = {m.rstrip(",;") for m in re.findall(r"un (droit (?:d'\S+|de \S+|à l'\S+|à la \S+))", spec)}
    return durations | rights | set(PHRASES)


def missing_commitments(page: str) -> list[str]:
    spec, page = spec_text(), normalise(page)
    return sorted(c for c in commitments(spec) if c not in page)


def test_c3_c7_every_spec_commitment_is_in_the_generated_policy():
    spec = spec_text()
    found = commitments(spec)
    assert {"trois (3) ans", "cinq (5) ans", "treize (13) mois"} <= found
    assert len([c for c in found if c.startswith("droit")]) == 8
    assert all(phrase in spec for phrase in PHRASES), "a phrase is no longer in the spec"
    assert missing_commitments(policy.render_html()) == []


def test_a_retention_change_in_the_register_breaks_the_check(monkeypatch):
    newsletter = PURPOSES[PurposeId.NEWSLETTER]
    retention = dataclasses.replace(newsletter.retention, text_fr="pendant deux (2) ans")
    monkeypatch.setitem(PURPOSES, PurposeId.NEWSLETTER, dataclasses.replace(newsletter, retention=retention))
    assert missing_commitments(policy.render_html()) == ["vous décidiez de vous désinscrire"]


@pytest.mark.skipif(not SHARED_SPEC.exists(), reason="no shared spec next to the repository")
def test_the_repository_copy_of_the_spec_is_the_shared_one():
    assert SPEC.read_bytes() == SHARED_SPEC.read_bytes(), f"copy {SHARED_SPEC} to {SPEC}"


def test_published_page_is_the_generated_one():
    from scripts.build_site import build

    assert PUBLISHED.read_text(encoding="utf-8") == build()[PUBLISHED.name], "run `make site`"


def test_c1_01_c1_02_controller_and_contact():
    page = normalise(policy.render_html())
    for fact in ("jaqe", "883 536 195", "418 rue du mas de verchant, 34000 montpellier", "support@jaqe.fr"):
        assert fact in page


def test_c3_each_policy_purpose_with_its_basis_retention_and_data():
    page = normalise(policy.render_policy())
    for p in register.policy_purposes():
        assert normalise(p.name_fr) in page
        assert normalise(p.retention.text_fr) in page
        assert all(normalise(b.label_fr) in page for b in p.legal_bases)
        assert all(normalise(d) in page for d in p.data_categories_fr)
    assert "preuves du consentement" not in page  # system purposes stay in the Art. 30 record


def test_c4_03_c4_04_recipients_with_country_and_safeguard():
    html = policy.render_policy()
    for kind in (RecipientKind.PROCESSOR, RecipientKind.COOKIE_PROVIDER):
        for r in (r for r in RECIPIENTS.values() if r.kind is kind):
            country = policy.COUNTRIES_FR[r.country]
            row = (
                f"<tr><td>{r.name_fr}</td><td>{country}</td><td>{r.transfer_safeguard}</td>"
                f"<td>{r.kind.role_fr}</td></tr>"
            )
            assert unescape(row) in unescape(html)
    transfers = normalise(html).split("transferts hors de l'union européenne")[1].split("</ul>")[0]
    assert all(
        f"{r.name_fr.lower()} (états-unis)" in transfers for r in RECIPIENTS.values() if r.country == "US"
    )


def test_c6_01_c6_03_c6_04_cookies_section():
    html = policy.render_policy()
    cookies = normalise(html.split('id="cookies"')[1].split('id="droits"')[0])
    assert normalise(PURPOSES[PurposeId.TECHNICAL_COOKIES].description_fr) in cookies
    assert "exemptés de consentement" in cookies
    assert "mesure d'audience" in cookies and "publicitaires" in cookies
    for r in RECIPIENTS.values():
        if r.kind is RecipientKind.COOKIE_PROVIDER:
            assert f'<a href="{r.privacy_url}">{r.name_fr}</a>' in html
    assert "data-consent-open" in html and "gérer mes cookies" in cookies


def test_c7_09_c7_10_how_to_exercise_rights_and_cnil():
    rights = normalise(policy.render_policy().split('id="droits"')[1])
    assert all(normalise(title) in rights for title, _ in policy.RIGHTS.values())
    assert "support@jaqe.fr" in rights and normalise(controller.CONTROLLER_ADDRESS) in rights
    assert normalise(controller.CNIL_ADDRESS) in rights and "commission nationale" in rights


def test_art30_record_has_one_row_per_purpose():
    rows = list(csv.DictReader(io.StringIO(policy.art30_csv())))
    assert [r["finalité"] for r in rows] == [p.name_fr for p in PURPOSES.values()]
    quotes = rows[0]
    assert quotes["base légale"] == "consentement ; exécution de mesures précontractuelles"
    assert quotes["durée de conservation"].startswith("trois (3) ans")
    assert "Partenaires professionnels" in quotes["destinataires"] and quotes["transferts hors UE"] == "aucun"
    audience = next(r for r in rows if r["finalité"] == PURPOSES[PurposeId.AUDIENCE_MEASUREMENT].name_fr)
    assert "Google (États-Unis) : Data Privacy Framework" in audience["transferts hors UE"]
    assert all(r["catégories de données"] and r["destinataires"] for r in rows)


def test_art30_markdown_and_csv_render_the_same_rows_of_the_register():
    from jaqe.privacy.policy import ART30_COLUMNS, art30_csv, art30_markdown, art30_rows

    from_csv = list(csv.reader(io.StringIO(art30_csv())))
    assert from_csv[0] == list(ART30_COLUMNS) and [tuple(r) for r in from_csv[1:]] == art30_rows()
    purposes_part = art30_markdown().split("## Destinataires et sous-traitants")[0]
    lines = [line for line in purposes_part.splitlines() if line.startswith("|")]
    assert lines[0] == "| " + " | ".join(ART30_COLUMNS) + " |"
    cells = [[c.strip() for c in line.strip("|").split(" | ")] for line in lines[2:]]
    assert cells == [list(row) for row in art30_rows()]  # no cell holds a "|" to escape today


def test_every_recipient_has_a_contract_to_review_unless_it_is_staff_or_chosen_by_the_person():
    """Issue 24: processors and recipients as data: each outside recipient JAQE chose is bound by a
    contract whose review date the DPO's monthly report watches."""
    for r in RECIPIENTS.values():
        chosen_or_internal = r.kind in (RecipientKind.INTERNAL, RecipientKind.CHOSEN_BY_PERSON)
        assert (r.contract is None) is chosen_or_internal, r.id
        assert r.purposes and r.data_categories_fr, r.id


def test_overdue_reviews_are_those_whose_review_date_has_passed():
    from datetime import date

    aws = RECIPIENTS["hosting"].contract
    assert aws is not None
    day_after = date.fromordinal(aws.next_review_on.toordinal() + 1)
    assert "hosting" not in [r.id for r in register.overdue_reviews(aws.next_review_on)]
    overdue = register.overdue_reviews(day_after)
    assert {"hosting", "email_routing"} <= {r.id for r in overdue}
    assert all(r.contract and r.contract.next_review_on < day_after for r in overdue)
