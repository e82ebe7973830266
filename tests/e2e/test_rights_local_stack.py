"""`make dev`, rights requests: an erasure, then an access request for the same email, over HTTP,
following the links that the emails in /_local/outbox carry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import Client, running_server

EMAIL = "sacha.local@example.fr"


@pytest.fixture(scope="module")
def server(cdk_out: Path) -> Iterator[Client]:
    with running_server() as (client, _):
        yield client


def local_path(link: str, base: str) -> str:
    assert link.startswith(base), link  # links in emails point at the local server
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def wait_for_link(client: Client, subject: str, marker: str, seen: int = 0) -> str:
    def link() -> str | None:
        _, outbox = client.call("GET", "/_local/outbox")
        found = [e for e in outbox if EMAIL in e["to"] and subject in e["subject"]]
        return next(link for link in found[seen]["links"] if marker in link) if len(found) > seen else None

    return client.wait_until(link, f"'{subject}' email #{seen + 1}")


def wait_until_closed(client: Client, status_url: str) -> dict:
    def closed() -> dict | None:
        status, body = client.call("GET", local_path(status_url, client.base))
        return body if status == 200 and body["status"] in ("completed", "refused", "unverified") else None

    return client.wait_until(closed, "the request to close")


def test_c7_04_erasure_then_access_in_make_dev(server):
    client = server
    status, _ = client.call(
        "POST",
        "/v1/contact-messages",
        {
            "name": "Sacha Local",
            "email": EMAIL,
            "subject": "Bonjour",
            "message": "Une question.",
            "phone": "06 98 76 54 32",
        },
    )
    assert status == 202

    status, erasure = client.call("POST", "/v1/rights-requests", {"type": "erasure", "email": EMAIL})
    assert status == 202
    status, _ = client.call("POST", local_path(wait_for_link(client, "Confirmez", "/verify?"), client.base))
    assert status == 200
    assert wait_until_closed(client, erasure["status_url"])["status"] == "completed"

    status, access = client.call("POST", "/v1/rights-requests", {"type": "access", "email": EMAIL})
    status, _ = client.call(
        "POST", local_path(wait_for_link(client, "Confirmez", "/verify?", seen=1), client.base)
    )
    assert wait_until_closed(client, access["status_url"])["status"] == "completed"
    export_link = wait_for_link(client, "Réponse à votre demande", "format=json", seen=1)
    status, export = client.call("GET", local_path(export_link, client.base))
    assert status == 200
    # Subject key only, and the access request's own contact item (the address it was asked from),
    # mark that it is open and the hour's mail-rate counter of its verification email: the erasure's
    # contact item went once its answer was sent (issue 17).
    assert {d["item_type"] for d in export["data"]} == {
        "rights_request",
        "suppression",
        "mail_rate",
        "rights_request_contact",
        "rights_request_open",
    }
    contacts = [d for d in export["data"] if d["item_type"] == "rights_request_contact"]
    assert [c["request_id"] for c in contacts] == [access["request_id"]]
    assert "Sacha" not in str(export) and "98 76" not in str(export)

    status, listed = client.call(
        "GET", "/v1/admin/rights-requests?status=completed", headers={"X-Local-Operator": "dana"}
    )
    assert status == 200 and {r["request_id"] for r in listed["requests"]} >= {
        erasure["request_id"],
        access["request_id"],
    }
    status, _ = client.call("GET", "/v1/admin/rights-requests")
    assert status == 403
