"""The whole system in one process, on moto: what tests drive and what `make dev` serves."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3

from jaqe_dev import clients, executions
from jaqe_dev.apigw import LocalApi
from jaqe_dev.lambdas import LOCAL_ENVIRONMENT, LocalLambdas, environment
from jaqe_dev.outbox import sent_emails
from jaqe_dev.provision import REGION, Provisioned, ProvisioningSession, provision
from jaqe_dev.template import CDK_OUT, INBOUND_STACK, SynthesizedStack

# Step Functions executions run the real ASL in moto's interpreter.
MOTO_CONFIG: dict[str, Any] = {"stepfunctions": {"execute_state_machine": True}}


def forget_cached_state() -> None:
    """Per-container caches (settings, secret, clients) must not leak from one moto world to the next."""
    from aws_lambda_powertools.utilities import parameters
    from jaqe.platform import aws, clock
    from jaqe.privacy import subject_keys as subject

    aws.reset()
    subject.forget_secret()
    parameters.clear_caches()
    clock.reset()


class LocalStack:
    def __init__(self, outdir: Path = CDK_OUT) -> None:
        forget_cached_state()
        clients.share_service_models()
        self.stack = SynthesizedStack(outdir)
        session = ProvisioningSession()
        executions.validate_each_definition_once()
        self.provisioned: Provisioned = provision(self.stack, session)
        # The inbound-mail stack (another region when deployed) is provisioned beside the main one.
        self.inbound = provision(SynthesizedStack(outdir, INBOUND_STACK), session)
        self.lambdas = LocalLambdas(self.provisioned, self.inbound)
        self.lambdas.install_moto_dispatch()
        executions.guard_unstarted_executions()
        clients.serialise_client_creation()
        self.api = LocalApi(self.lambdas)

    def close(self) -> None:
        """End what this stack started: every running execution is stopped and its waiting tasks
        woken (a callback wait would otherwise last days in a daemon thread), and no handler of
        this stack runs after this, whatever a late workflow thread asks."""
        self.lambdas.close()
        executions.stop_all()

    def progress(self) -> dict[str, int]:
        """What the system has done by itself so far (workflow history events, invocations made by
        workflows, streams and queues): it changes whenever anything moves."""
        running, events = executions.progress()
        return {
            "running_executions": running,
            "history_events": events,
            "background_invocations": self.lambdas.background,
        }

    @property
    def data_table(self) -> str:
        return self.provisioned.table_name("DataTable")

    def receive_email(
        self, raw: bytes, *, spam: str = "PASS", virus: str = "PASS", authenticated: bool = True
    ) -> dict[str, Any]:
        """What SES does for support@ / privacy@: store the raw MIME, then invoke the intake function."""
        from jaqe_dev.inbound import receipt_event

        message_id = f"local-{uuid.uuid4().hex}"
        bucket = next(name for logical, name in self.inbound.names.items() if logical.startswith("RawMail"))
        boto3.client("s3", region_name=REGION).put_object(
            Bucket=bucket, Key=f"inbound/{message_id}", Body=raw
        )
        return self.lambdas.invoke_by_name(
            "inbound_mail",
            receipt_event(raw, message_id, spam=spam, virus=virus, authenticated=authenticated),
        )

    def outbox(self) -> list[dict[str, Any]]:
        return sent_emails()

    @contextmanager
    def environment_of(self, service_name: str) -> Iterator[None]:
        """Run domain code directly (tests, seeds) with a function's environment as deployed."""
        from jaqe.platform.settings import get_settings

        values = {**self.provisioned.environment(self.lambdas.logical_id(service_name)), **LOCAL_ENVIRONMENT}
        with self.lambdas.lock, environment(values):
            get_settings.cache_clear()
            yield
        get_settings.cache_clear()

    def settle(self) -> None:
        """Deliver the stream records of writes made outside any function (tests writing directly)."""
        self.lambdas.settle()

    def store(self) -> Any:
        from jaqe.platform.store import Store

        return Store(self.data_table)

    def subject_key(self, email: str) -> str:
        from jaqe.privacy.subject_keys import subject_key

        with self.environment_of("contact_messages"):
            return subject_key(email)
