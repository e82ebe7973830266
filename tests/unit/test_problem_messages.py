"""Field errors of problem documents speak French: the site shows them next to the fields."""

from __future__ import annotations

from jaqe.platform.api import _field_errors


def test_pydantic_messages_are_translated_and_ours_kept():
    errors = _field_errors(
        [
            {"type": "missing", "loc": ("body", "contact", "phone"), "msg": "Field required"},
            {"type": "string_too_short", "loc": ("body", "city"), "msg": "x", "ctx": {"min_length": 1}},
            {
                "type": "string_too_short",
                "loc": ("body", "description"),
                "msg": "x",
                "ctx": {"min_length": 10},
            },
            {"type": "too_short", "loc": ("body", "trades"), "msg": "x", "ctx": {"min_length": 1}},
            {"type": "value_error", "loc": ("body", "email"), "msg": "Value error, adresse email invalide"},
        ]
    )
    assert errors == [
        {"field": "contact.phone", "message": "champ obligatoire"},
        {"field": "city", "message": "champ obligatoire"},
        {"field": "description", "message": "au moins 10 caractères"},
        {"field": "trades", "message": "au moins 1 élément(s)"},
        {"field": "email", "message": "adresse email invalide"},
    ]
