from __future__ import annotations

import pytest
from jaqe.platform.regions import NonEuRegionError, require_eu_region
from jaqe.privacy.subject_keys import subject_key_with

SECRET = b"k" * 32


def test_subject_key_is_a_keyed_hash_of_the_normalised_email():
    key = subject_key_with(SECRET, "  Camille.Exemple@Example.FR ")
    assert key == subject_key_with(SECRET, "camille.exemple@example.fr")
    assert len(key) == 64 and "camille" not in key
    assert key != subject_key_with(b"another-secret", "camille.exemple@example.fr")


@pytest.mark.parametrize("region", ["eu-west-3", "eu-west-1", "eu-central-1"])
def test_c5_03_eu_regions_are_allowed(region):
    assert require_eu_region(region) == region


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-2", "eu-central-2", "", None])
def test_c5_03_code_refuses_to_run_outside_the_eu(region):
    with pytest.raises(NonEuRegionError, match="European Union"):
        require_eu_region(region)
