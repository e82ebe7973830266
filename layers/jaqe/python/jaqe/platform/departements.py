"""French départements a professional may serve, and the SIRET check.

Départements: 01-95 without 20 (Corsica is 2A and 2B since 1976), 2A, 2B, and the overseas
départements 971-976. Codes are strings: "01", not "1".
"""

from __future__ import annotations

DEPARTEMENTS: frozenset[str] = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"] + [str(n) for n in range(971, 977)]
)

# La Poste's establishments share one SIREN and use a different key: sum of digits divisible by 5.
_LA_POSTE_SIREN = "356000000"


def check_departement(value: str) -> str:
    code = value.strip().upper()
    if code not in DEPARTEMENTS:
        raise ValueError(f"département inconnu : {value!r} (01 à 95, 2A, 2B, 971 à 976)")
    return code


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def check_siret(value: str) -> str:
    compact = value.replace(" ", "")
    if len(compact) != 14 or not compact.isascii() or not compact.isdigit():
        raise ValueError("le SIRET compte 14 chiffres")
    valid = luhn_valid(compact)
    if compact.startswith(_LA_POSTE_SIREN):
        valid = valid or sum(int(c) for c in compact) % 5 == 0
    if not valid:
        raise ValueError("SIRET invalide (clé de contrôle incorrecte)")
    return compact
