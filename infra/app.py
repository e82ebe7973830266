"""The CDK app: `python -m infra.app` (what cdk.json runs) synthesises every stack into cdk.out."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from aws_cdk import App, Aspects, Environment, Validations
from cdk_nag import AwsSolutionsChecks
from jaqe.platform.regions import NonEuRegionError

from infra.config import DeployConfig
from infra.constructs.checkov import ScannerAcknowledgements
from infra.inbound_stack import InboundMailStack
from infra.main_stack import MainStack

ROOT = Path(__file__).resolve().parent.parent
MAIN_STACK = "JaqeMain"
INBOUND_STACK = "JaqeInbound"


def build_app(outdir: str | None = None, context: dict[str, str] | None = None) -> App:
    # cdk.json's context (settings and feature flags) for every synthesis, `make synth` and the tests
    # included, not only the CLI's: one template whoever synthesises. The CLI's values (cdk.json and
    # `-c`, in CDK_CONTEXT_JSON) override these, and `context` overrides both.
    defaults = json.loads((ROOT / "cdk.json").read_text())["context"]
    app = App(outdir=outdir, context=defaults, post_cli_context=context)
    config = DeployConfig.from_app(app)
    main = MainStack(
        app, MAIN_STACK, config=config, env=Environment(account=config.account, region=config.region)
    )
    inbound = InboundMailStack(
        app,
        INBOUND_STACK,
        config=config,
        env=Environment(account=config.account, region=config.inbound_mail_region),
    )
    inbound.add_stack_dependency(main)  # it writes into the main region's table, queue and workflow
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    Aspects.of(app).add(ScannerAcknowledgements())  # checkov's skips that hold for every function
    return app


def main() -> None:
    try:
        app = build_app(outdir=os.environ.get("CDK_OUTDIR", str(ROOT / "cdk.out")))
    except NonEuRegionError as error:
        sys.exit(f"cdk synth refused: {error}")
    app.synth()


if __name__ == "__main__":
    main()
