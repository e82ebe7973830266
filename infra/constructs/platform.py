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

    def links(self) -> dict[str, str]:
        """PUBLIC_API_URL (jaqe.platform.settings.LinkSettings): links in emails use the API's public
        (custom-domain) URL; the stage URL would make every function depend on the deployment
        that depends on them."""
        return {"PUBLIC_API_URL": self.config.public_api_url}

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
