"""boto3 clients and `os.environ` in a process where many threads use them: the local stack and tests.

moto's Step Functions interpreter makes a new boto3 client from the shared default session for
every task it runs, in as many threads as there are executions and Map iterations at once, while
handlers and tests make their own; and the local stack swaps `os.environ` around each invocation
(jaqe_dev/lambdas.py: each function sees its own environment). Making a client iterates
`os.environ` (botocore reads the proxy variables): a key removed by a swap in the middle raised
KeyError, and a botocore session is not thread-safe either. moto reported either as a
`States.Runtime` error: the workflow ended as needs_operator, or waited for good, while its test
waited for it to finish. So clients are made, and the environment is changed, under one lock; and
moto's task clients are made once per region and service.
"""

from __future__ import annotations

import threading
from typing import Any

# Held while a client is made and while the local stack changes os.environ.
ENVIRON = threading.Lock()
_task_clients: dict[tuple[Any, ...], Any] = {}
_create_client: Any = None  # botocore's own Session.create_client, called under the lock


def share_service_models() -> None:
    """botocore parses AWS's service models (large JSON files) once per session: the local stack
    makes a session for every stack it provisions, so every test paid for the parsing again. One
    loader, and its cache, for the whole process."""
    from botocore import loaders
    from botocore.session import Session

    if getattr(Session, "_shared_loader", None) is not None:
        return
    loader = loaders.create_loader()
    Session._shared_loader = loader  # type: ignore[attr-defined]

    def register_data_loader(session: Any) -> None:
        session._components.register_component("data_loader", loader)

    Session._register_data_loader = register_data_loader  # type: ignore[attr-defined]


def serialise_client_creation() -> None:
    global _create_client
    from botocore.session import Session

    if _create_client is not None:
        return
    _create_client = Session.create_client

    def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
        with ENVIRON:
            return _create_client(session, *args, **kwargs)

    Session.create_client = create_client  # type: ignore[method-assign,assignment]
    _share_task_clients()


def _share_task_clients() -> None:
    import sys

    import moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils  # noqa: F401
    from moto.core.models import botocore_stubber
    from moto.stepfunctions.parser.asl.utils import boto_client

    make = boto_client.boto_client_for

    def shared_client(region: str, service: str, state_credentials: Any = None) -> Any:
        if state_credentials is not None:  # a role to assume: its own client
            return make(region=region, service=service, state_credentials=state_credentials)
        # In-process (mocked) and server mode reach moto by different endpoints.
        key = (region, service, botocore_stubber.enabled)
        with ENVIRON:
            client = _task_clients.get(key)
        if client is None:
            client = make(region=region, service=service)
            with ENVIRON:
                client = _task_clients.setdefault(key, client)
        return client

    for name, module in list(sys.modules.items()):
        if name.startswith("moto.stepfunctions.parser") and getattr(module, "boto_client_for", None) is make:
            module.boto_client_for = shared_client  # type: ignore[attr-defined]
