"""Headless Chromium (Debian's `chromium`, driven by Playwright; never a downloaded browser) against
the real local server, as `make dev` runs it. A failed test leaves a screenshot in tests/artifacts/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route, sync_playwright

from tests.e2e.conftest import Client, running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# axe-core rules for WCAG 2.2 A and AA, plus its best practices (landmarks, headings).
WCAG_AA = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    }
}


@pytest.fixture(scope="module")
def server(cdk_out: Path) -> Iterator[tuple[Client, Any]]:
    """One local server per test module: each module starts from an empty outbox."""
    with running_server() as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("tests/browser need Debian's chromium: apt-get install chromium (.ci/run does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"report_{report.when}", report)


@dataclass
class Site:
    """A fresh visitor (empty storage) on the local site; requests leaving the machine are recorded and cut."""

    client: Client
    page: Page
    third_party: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: str = "/") -> None:
        self.page.goto(self.client.base + path)

    def storage(self) -> dict[str, Any]:
        return json.loads(self.page.evaluate("localStorage.getItem('jaqe.cookies') || '{}'"))

    def tags(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "script[data-purpose]", "els => els.map(e => e.dataset.purpose)"
        )

    def accessibility_violations(self) -> list[str]:
        """What axe-core finds on the page as it is now (banner, errors and all)."""
        found = Axe().run(self.page, options=WCAG_AA).response["violations"]
        return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}" for v in found]

    def outbox_to(self, address: str, wait: bool = False) -> list[dict[str, Any]]:
        """Emails to `address`; with `wait`, waits for one (workflow emails are asynchronous)."""

        def found() -> list[dict[str, Any]]:
            _, outbox = self.client.call("GET", "/_local/outbox")
            return [e for e in outbox if address in e["to"]]

        return self.client.wait_until(found, f"an email to {address}") if wait else found()


# A browser sending Global Privacy Control: the header on every request, the property to scripts.
GPC_SCRIPT = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })"


@contextmanager
def visitor(browser: Browser, client: Client, *, gpc: bool = False) -> Iterator[Site]:
    """A fresh browser context on the local site; what leaves the machine is recorded and cut."""
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": 1100, "height": 900},
        extra_http_headers={"Sec-GPC": "1"} if gpc else None,
    )
    if gpc:
        context.add_init_script(GPC_SCRIPT)
    site = Site(client, context.new_page())

    def only_local(route: Route) -> None:
        if route.request.url.startswith(client.base):
            route.continue_()
        else:
            site.third_party.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    site.page.on("pageerror", lambda error: site.errors.append(str(error)))
    site.page.on("console", lambda m: "Content Security Policy" in m.text and site.errors.append(m.text))
    try:
        yield site
    finally:
        context.close()


def screenshot_if_failed(site: Site, request: pytest.FixtureRequest) -> None:
    report = getattr(request.node, "report_call", None)
    if report is None or report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        site.page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)


@pytest.fixture
def site(browser: Browser, server: Any, request: pytest.FixtureRequest) -> Iterator[Site]:
    client, _ = server
    with visitor(browser, client) as site:
        yield site
        screenshot_if_failed(site, request)
