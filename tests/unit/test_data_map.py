"""Issue 24: a data map people can read, generated from the register and the inventory, never stale."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from jaqe.privacy import data_map
from jaqe.privacy.periods import Period
from jaqe.privacy.register import PURPOSES, RECIPIENTS, PurposeId

DATA_MAP = Path(__file__).resolve().parents[2] / "docs" / "data-map.md"


def test_the_committed_data_map_is_the_generated_one():
    assert DATA_MAP.read_text(encoding="utf-8") == data_map.render(), (
        "docs/data-map.md is stale: run make data-map"
    )


def test_every_purpose_comes_in_through_a_channel_and_every_recipient_is_reached():
    collected = {p for c in data_map.CHANNELS for p in c.purposes}
    assert collected == set(PURPOSES)
    targets = {target for _, target in data_map.edges()}
    assert {f"rc_{r}" for r in RECIPIENTS} <= targets


def test_every_arrow_says_how_long_the_data_is_kept():
    arrows = re.findall(r'^  (\w+) -- "(.+)" --> (\w+)$', data_map.mermaid(), re.MULTILINE)
    assert len(arrows) == len(data_map.edges())
    for source, label, target in arrows:
        assert re.search(r"\d+ (an|ans|mois|jours?)|jusqu'|tant que|days", label), (source, target, label)


def test_a_retention_change_in_the_register_changes_the_map(monkeypatch):
    quotes = PURPOSES[PurposeId.QUOTE_MATCHING]
    shorter = dataclasses.replace(quotes.retention, period=Period(years=2))
    monkeypatch.setitem(PURPOSES, quotes.id, dataclasses.replace(quotes, retention=shorter))
    assert "Mise en relation pour un devis en ligne : 2 ans après le dernier contact" in data_map.mermaid()
    assert data_map.render() != DATA_MAP.read_text(encoding="utf-8")
