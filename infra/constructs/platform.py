"""What every capability's construct is given: one bundle of the shared building blocks.

`MainStack` makes them once (storage, monitoring, mail, the functions factory, the API) and
passes this bundle to each capability (`Contact(self, "Contact", platform)`). Capabilities
import this module and the helpers, never `infra.main_stack` nor one another: the import
graph of `infra` has no cycle (tests/infra/test_infra_import_graph.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_lambda as lambda_

from infra.config import DeployConfig
from infra.constructs.api import PublicApi
from infra.constructs.functions import Functions
from infra.constructs.mail import Mail
from infra.constructs.monitoring import Monitoring
from infra.constructs.storage import Storage


@dataclass(frozen=True)
class Platform:
    config: DeployConfig
    storage: Storage
    functions: Functions
    api: PublicApi
    mail: Mail
    monitoring: Monitoring

    def links(self, function: lambda_.Function) -> None:
        """`function` puts links to the API in emails (jaqe.platform.settings.LinkSettings)."""
        self.api.let_read_public_url(function)

    def form_function(
        self,
        name: str,
        data_actions: list[str],
        indexes: tuple[str, ...] = (),
        *,
        environment: dict[str, str] | None = None,
    ) -> lambda_.Function:
        """A public form's function: data access, idempotency, subject keys and outgoing mail."""
        function = self.functions.create(name, environment=environment)
        self.storage.use_data(function, data_actions, indexes)
        self.storage.use_idempotency(function)
        self.storage.use_subject_keys(function)
        self.mail.allow_sending(function)
        return function
