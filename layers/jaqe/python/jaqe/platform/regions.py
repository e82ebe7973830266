"""EU hosting (policy section 5, C5-03): code refuses to run outside the EU."""

from __future__ import annotations

# AWS regions inside the European Union (not merely in Europe: London and Zurich are out).
EU_REGIONS: frozenset[str] = frozenset(
    {
        "eu-west-1",  # Ireland
        "eu-west-3",  # Paris
        "eu-central-1",  # Frankfurt
        "eu-north-1",  # Stockholm
        "eu-south-1",  # Milan
        "eu-south-2",  # Spain
    }
)


class NonEuRegionError(RuntimeError):
    """Raised when code or infrastructure would run outside the EU allow-list."""


def require_eu_region(region: str | None) -> str:
    if not region or region not in EU_REGIONS:
        raise NonEuRegionError(
            f"Region {region!r} is not allowed: JAQE's privacy policy promises that all personal "
            f"data is hosted in the European Union (EU rule). Allowed regions: {', '.join(sorted(EU_REGIONS))}."
        )
    return region
