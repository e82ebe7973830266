"""`make dev` under concurrent requests: workflows started and resumed from several clients at once,
while operators' requests run beside them, all finish.

Every function runs in-process behind one dispatch lock (`jaqe_dev.lambdas`), and moto runs each
Step Functions execution in its own thread, whose Lambda tasks come back through that lock: an API
request that starts (`start_execution`) or resumes (`send_task_success`, the verification link) a
workflow must never wait for an execution while it holds the lock.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from tests.e2e.conftest import Client

CLIENTS = 6
OPERATOR = {"X-Local-Operator": "concurrency"}


def _path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def _verification_link(client: Client, email: str) -> str:
    def link() -> str | None:
        _, outbox = client.call("GET", "/_local/outbox")
        for message in outbox:
            if email in message["to"] and "Confirmez" in message["subject"]:
                return next(link for link in message["links"] if "/verify?" in link)
        return None

    return client.wait_until(link, f"a verification email to {email}")


def _one_request_through_its_workflow(client: Client, n: int) -> str:
    email = f"concurrent.{n}@example.fr"
    status, request = client.call("POST", "/v1/rights-requests", {"type": "erasure", "email": email})
    assert status == 202, request
    status, _ = client.call("POST", _path(_verification_link(client, email)))  # resumes the execution
    assert status == 200

    def completed() -> str | None:
        status, body = client.call("GET", _path(request["status_url"]))
        return str(body["status"]) if status == 200 and body["status"] == "completed" else None

    return client.wait_until(completed, f"request {n} completed")


def _operator_calls(client: Client) -> None:
    for _ in range(10):
        assert client.call("GET", "/v1/admin/rights-requests", headers=OPERATOR)[0] == 200
        assert client.call("GET", "/v1/trades")[0] == 200


def test_workflows_started_and_resumed_concurrently_all_complete(server):
    client, _ = server
    with ThreadPoolExecutor(CLIENTS + 1) as pool:
        operators = pool.submit(_operator_calls, client)
        results = list(pool.map(lambda n: _one_request_through_its_workflow(client, n), range(CLIENTS)))
        operators.result()
    assert results == ["completed"] * CLIENTS
    assert client.process is not None and client.process.poll() is None
