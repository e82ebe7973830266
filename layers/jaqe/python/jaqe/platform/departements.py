"""French départements a professional may serve, and the SIRET check (python-stdnum).

Départements: 01-95 without 20 (Corsica is 2A and 2B since 1976), 2A, 2B, and the overseas
départements 971-976. Codes are strings: "01", not "1".
"""

from __future__ import annotations

DEPARTEMENTS: frozenset[str] = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"] + [str(n) for n in range(971, 977)]
)


def check_departement(value: str) -> str:
    code = value.strip().upper()
    if code not in DEPARTEMENTS:
        raise ValueError(f"département inconnu : {value!r} (01 à 95, 2A, 2B, 971 à 976)")
    return code


def check_siret(value: str) -> str:
    """The SIRET without its spaces or dots, its key and its SIREN's key checked (La Poste's
    establishments have their own key: stdnum knows it)."""
    from stdnum.exceptions import InvalidChecksum, ValidationError
    from stdnum.fr import siret

    try:
        return str(siret.validate(value))
    except InvalidChecksum:
        raise ValueError("SIRET invalide (clé de contrôle incorrecte)") from None
    except ValidationError:
        raise ValueError("le SIRET compte 14 chiffres") from None
