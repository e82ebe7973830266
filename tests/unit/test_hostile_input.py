"""Hostile input, below the handlers: the text types every API model's text fields use, the body
guard every API function runs before Powertools parses a body, and the cap on problem documents."""

from __future__ import annotations

import importlib
import json
import pkgutil
import types
import typing
from typing import Annotated, Any

import jaqe
import pytest
from jaqe.platform.api import (
    MAX_BODY_BYTES,
    MAX_FIELD_NAME,
    MAX_JSON_DEPTH,
    MAX_PROBLEM_ERRORS,
    admit_body,
    problem,
)
from jaqe.platform.departements import check_departement, check_siret
from jaqe.platform.errors import NestingTooDeep, PayloadTooLarge, UnsupportedMediaType
from jaqe.platform.trades import check_trade
from jaqe.platform.validation import (
    Email,
    FrenchPhone,
    LongText,
    Name,
    Postcode,
    ShortText,
    check_free_text,
    check_single_line,
    free_text_of,
    json_nesting_exceeds,
    single_line_of,
)
from pydantic import AfterValidator, BaseModel, BeforeValidator, TypeAdapter, ValidationError

LINE_BREAKS = ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"]
CONTROLS_BUT_NEWLINE_AND_TAB = ["\x00", "\x07", "\x08", "\r", "\x0b", "\x1b", "\x7f", "\x85", "\x9f"]
JSON_ONLY = frozenset({"application/json"})
LINK_PAGE = frozenset({"application/json", "application/x-www-form-urlencoded"})


def refuses(annotation: Any, value: str) -> bool:
    try:
        TypeAdapter(annotation).validate_python(value)
    except ValidationError:
        return True
    return False


@pytest.mark.parametrize("text_type", [Name, ShortText])
@pytest.mark.parametrize("control", [*LINE_BREAKS, "\x00", "\x1b", "\x7f", "\t"])
def test_single_line_text_refuses_control_characters_and_line_breaks_anywhere(text_type, control):
    assert refuses(text_type, f"Jeanne{control}Bcc: victime@example.fr")
    assert refuses(text_type, f"Jeanne{control}")  # checked before stripping, trailing too


@pytest.mark.parametrize("text_type", [Email, FrenchPhone, Postcode])
def test_formatted_single_line_fields_refuse_a_line_break_their_format_would_strip(text_type):
    valid = {Email: "jeanne@example.fr", FrenchPhone: "06 12 34 56 78", Postcode: "34000"}[text_type]
    assert not refuses(text_type, valid)
    assert refuses(text_type, valid + "\n")
    assert refuses(text_type, valid[:2] + "\r\n" + valid[2:])


def test_single_line_text_keeps_what_people_write_and_still_measures_after_stripping():
    assert TypeAdapter(Name).validate_python("  Zoé O'Brien-Lefèvre ") == "Zoé O'Brien-Lefèvre"
    assert refuses(Name, "   ")
    assert refuses(Name, "x" * 101)


def test_free_text_keeps_newlines_and_tabs():
    text = "Bonjour,\n\n\tligne deux\nmerci"
    assert TypeAdapter(LongText).validate_python(text) == text


@pytest.mark.parametrize("control", CONTROLS_BUT_NEWLINE_AND_TAB)
def test_free_text_refuses_every_other_control_character(control):
    assert refuses(LongText, f"Bonjour{control}merci")


def _checks_in(annotation: Any) -> set[Any]:
    """The validator functions an annotation applies, through Annotated, unions and lists."""
    found: set[Any] = set()
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, BeforeValidator | AfterValidator):
            found.add(meta.func)
    for arg in typing.get_args(annotation):
        found |= _checks_in(arg)
    return found


def _has_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) in (
        typing.Union,
        list,
        Annotated,
    ):
        return any(_has_text(arg) for arg in typing.get_args(annotation))
    return False


def _api_models() -> list[type[BaseModel]]:
    """The models that read a request: every model of a capability's model.py forbidding unknown keys."""
    models = []
    for module_info in pkgutil.walk_packages(jaqe.__path__, "jaqe."):
        if not module_info.name.endswith(".model"):
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
                and value.model_config.get("extra") == "forbid"
            ):
                models.append(value)
    return models


def test_every_text_field_of_the_api_models_has_a_text_type_or_a_closed_set_of_values():
    text_checks = {check_single_line, check_free_text, check_trade, check_departement, check_siret}
    models = _api_models()
    assert len(models) > 15
    untyped = [
        f"{model.__name__}.{name}"
        for model in models
        for name, field in model.model_fields.items()
        if _has_text(field.rebuild_annotation()) and not _checks_in(field.rebuild_annotation()) & text_checks
    ]
    assert untyped == []


@pytest.mark.parametrize(
    ("text", "limit", "exceeds"),
    [
        ("[" * 3000, MAX_JSON_DEPTH, True),
        ('{"a": [{"b": [1]}]}', 4, False),
        ('{"a": [{"b": [1]}]}', 3, True),
        ('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[["}', 1, False),  # brackets in a string do not nest
        ('{"a": "\\" [[[[[[[[[[[[[[[[[[[[[["}', 1, False),  # nor after an escaped quote
        ("[[], [], [], [], [], [], [], [], [], [], [], []]", 2, False),  # many, side by side
    ],
)
def test_json_nesting_is_measured_without_parsing(text, limit, exceeds):
    assert json_nesting_exceeds(text, limit) is exceeds


def test_the_guard_lets_ordinary_bodies_through():
    admit_body(json.dumps({"name": "Zoé", "nested": {"a": [1, {"b": 2}]}}), "application/json", JSON_ONLY)
    admit_body('{"a": 1}', "Application/JSON; charset=UTF-8", JSON_ONLY)
    admit_body('{"a": 1}', None, JSON_ONLY)  # no Content-Type: JSON, as API Gateway and Powertools read it
    admit_body("token=abc", "application/x-www-form-urlencoded", LINK_PAGE)  # a link page's form
    admit_body(None, "text/plain", JSON_ONLY)  # no body, nothing to refuse
    admit_body("x" * MAX_BODY_BYTES, "application/json", JSON_ONLY)


@pytest.mark.parametrize(
    ("body", "content_type", "documented", "refusal"),
    [
        ("x" * (MAX_BODY_BYTES + 1), "application/json", JSON_ONLY, PayloadTooLarge),
        ("é" * (MAX_BODY_BYTES // 2 + 1), "application/json", JSON_ONLY, PayloadTooLarge),  # bytes count
        ("[" * 3000, "application/json", JSON_ONLY, NestingTooDeep),
        ("[" * 3000, None, JSON_ONLY, NestingTooDeep),
        ('{"name": "x"}', "text/plain", JSON_ONLY, UnsupportedMediaType),
        ("name=x", "application/x-www-form-urlencoded", JSON_ONLY, UnsupportedMediaType),
        ("--b\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b", LINK_PAGE, UnsupportedMediaType),
        ("<a/>", "application/xml", LINK_PAGE, UnsupportedMediaType),
    ],
)
def test_the_guard_refuses_bodies_no_route_should_parse(body, content_type, documented, refusal):
    with pytest.raises(refusal):
        admit_body(body, content_type, documented)


def test_a_problem_document_lists_the_first_errors_and_says_how_many_there_were():
    errors = [{"field": f"k{i}", "message": "champ inconnu"} for i in range(300_000)]

    response = problem(
        422, "validation-error", "Données invalides", "Certains champs sont invalides.", errors
    )

    document = json.loads(response.body)
    assert document["errors"] == errors[:MAX_PROBLEM_ERRORS]
    assert document["error_count"] == 300_000
    assert "20 premières erreurs sur 300000" in document["detail"]
    assert len(response.body) < 4096


def test_a_short_problem_document_is_unchanged():
    errors = [{"field": "name", "message": "champ obligatoire"}]
    document = json.loads(problem(422, "validation-error", "Données invalides", "Invalide.", errors).body)
    assert document["errors"] == errors and "error_count" not in document


def test_an_unknown_field_name_is_echoed_back_shortened():
    from jaqe.platform.api import _field_errors

    [error] = _field_errors([{"type": "extra_forbidden", "loc": ("body", "k" * 60_000), "msg": "x"}])
    assert error == {"field": "k" * MAX_FIELD_NAME, "message": "champ inconnu"}


def test_text_read_from_an_email_is_made_fit_for_the_text_types():
    subject = single_line_of(" Question\r\nBcc:\u2028victime@example.fr\x1b ")
    message = free_text_of("Ligne 1\r\nLigne 2\rLigne 3\n\tfin\x00\x07\x7f")

    assert subject == "Question Bcc: victime@example.fr"
    assert message == "Ligne 1\nLigne 2\nLigne 3\n\tfin"
    assert not refuses(ShortText, subject) and not refuses(LongText, message)
