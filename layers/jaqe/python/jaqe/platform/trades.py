"""The trades catalogue shown on the site and used by matching (`GET /v1/trades`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

TRADES: dict[str, str] = {
    "plomberie": "Plomberie",
    "electricite": "Électricité",
    "chauffage": "Chauffage",
    "toiture": "Toiture",
    "peinture": "Peinture",
    "menuiserie": "Menuiserie",
    "maconnerie": "Maçonnerie",
    "carrelage": "Carrelage",
    "isolation": "Isolation",
    "serrurerie": "Serrurerie",
    "jardinage": "Jardinage",
    "climatisation": "Climatisation",
}


class Trade(BaseModel):
    """One entry of the catalogue, as `GET /v1/trades` lists it."""

    model_config = ConfigDict(defer_build=True)

    id: str
    label: str


def check_trade(value: str) -> str:
    if value not in TRADES:
        raise ValueError(f"métier inconnu ; valeurs possibles : {', '.join(TRADES)}")
    return value
