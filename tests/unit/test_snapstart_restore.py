"""SnapStart: what the runtime calls after a restore refreshes every cache filled before the snapshot."""

from __future__ import annotations

import random

import boto3
import moto
import pytest
from jaqe.platform import api, aws, keyed_hash, restore
from jaqe.platform.settings import get_settings
from pydantic import BaseModel, ConfigDict


@pytest.fixture
def snapshotted(monkeypatch):
    """An initialised environment: settings read, clients made and the secret fetched, as at snapshot time."""
    monkeypatch.setenv("SUBJECT_KEY_SECRET_ARN", "subject-key")
    monkeypatch.setenv("IDEMPOTENCY_TABLE", "idempotency")
    aws.reset()
    keyed_hash.forget_secret()
    with moto.mock_aws():
        boto3.client("secretsmanager").create_secret(Name="subject-key", SecretString="before-snapshot")
        yield
    restore.run_restore_hooks()  # no cache of this moto world outlives the test
    get_settings.cache_clear()


def test_restore_hooks_refresh_clients_secret_and_idempotency_store_and_reseed_random(snapshotted):
    client, store = aws.client("dynamodb"), api._idempotency_store()
    assert keyed_hash.secret() == b"before-snapshot"
    boto3.client("secretsmanager").put_secret_value(SecretId="subject-key", SecretString="rotated")
    random.seed(1)
    snapshot_draw = random.random()
    random.seed(1)  # every environment restored from one snapshot starts from this state

    restore.run_restore_hooks()

    assert random.random() != snapshot_draw
    assert aws.client("dynamodb") is not client  # new credentials and connection pool
    assert api._idempotency_store() is not store
    # Both caches are refreshed: the function's and Powertools' (whose max_age counts from the snapshot).
    assert keyed_hash.secret() == b"rotated"


def test_without_the_lambda_runtime_nothing_is_registered_with_it_and_hooks_stay_callable():
    assert restore.reseed_random in restore.registered()
    assert aws.reset in restore.registered() and keyed_hash.forget_secret in restore.registered()
    restore.on_restore(restore.reseed_random)
    assert restore.registered().count(restore.reseed_random) == 1


def test_before_the_snapshot_every_loaded_model_left_for_its_first_use_is_built():
    from jaqe.leads.model import QuoteRequestIn

    class LeftForLater(BaseModel):
        model_config = ConfigDict(defer_build=True)
        count: int

    assert not LeftForLater.__pydantic_complete__

    restore.build_deferred_models()

    assert LeftForLater.__pydantic_complete__ and QuoteRequestIn.__pydantic_complete__
    assert LeftForLater.model_validate({"count": "2"}).count == 2
