"""The trades catalogue: id -> French label."""

from __future__ import annotations

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
