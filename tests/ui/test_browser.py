"""The launcher in headless Chromium (Debian's package, driven by Playwright's Python package;
`make test` installs it, never `playwright install`): a CSV request from the form to the
approval panel, approved there, to the release; then the list pages.

Screenshots go to the test's temporary directory; with ``AG2_SDLC_SCREENSHOTS=DIR`` they go to
DIR instead (``AG2_SDLC_SCREENSHOTS=docs/screenshots`` refreshes the ones README shows).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from services.processes import free_port, stop_process
from tests.ui.conftest import CLI, SAMPLE_CSV, Backend, prefect_in, wait_until
from ui import observe

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
PROJECT = "browser-books"
SLOW = 300_000  # ms: a pipeline step on a busy 2-core machine
expect.set_options(timeout=60_000)  # the first page draw imports Prefect (seconds)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def launcher_url(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`ag2-sdlc ui` on a free loopback port, refreshing its live view every second."""
    port = free_port()
    log = tmp_path_factory.mktemp("launcher") / "streamlit.log"
    env = backend.process_env(AG2_SDLC_UI_REFRESH="1")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(CLI), "ui", "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert process.poll() is None, log.read_text()
        try:
            return httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(up, timeout=90, every=0.5)
        yield url
    finally:
        stop_process(process.pid, grace=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: AG2_SDLC_SCREENSHOTS if set, else this test's tmp directory."""
    folder = Path(os.environ.get("AG2_SDLC_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _page(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 1500})
    page.set_default_timeout(60_000)
    page.goto(url)
    return page


def _choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in Streamlit's select box labelled ``label``."""
    page.get_by_label(label).click()
    page.get_by_role("option", name=option).click()


def _wait_for_either(page: Page, wanted: Locator, failure: Locator) -> None:
    """Wait until ``wanted`` shows; fail at once, with the page's text, if ``failure`` does."""
    shown = wanted.or_(failure)
    expect(shown.first).to_be_visible(timeout=SLOW)
    assert wanted.count() > 0, page.inner_text("body")[-3000:]


def _settled(page: Page) -> Page:
    """Wait until the script run is drawn out (no stale elements left), for a clean picture."""
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")
    return page


def _open(page: Page, name: str) -> None:
    page.get_by_test_id("stSidebar").get_by_text(name, exact=True).click()


class TestLauncherInABrowser:
    """A person's path through the launcher, asserted on what the page shows."""

    def test_csv_request_to_approval_to_release(
        self, browser: Browser, launcher_url: str, shots: Path, tmp_path: Path
    ) -> None:
        """Upload a CSV, watch the agents reach the approval panel, approve, see the release."""
        data = tmp_path / "books.csv"
        data.write_text(SAMPLE_CSV, encoding="utf-8")
        page = _page(browser, launcher_url)
        expect(page.get_by_role("heading", name="Start a pipeline run")).to_be_visible()
        page.locator("input[type=file]").set_input_files(str(data))
        expect(page.get_by_text("books.csv")).to_be_visible()
        page.get_by_label("Project name").fill(PROJECT)
        _choose(page, "After approval", "Deploy, health-check, then stop it")
        _settled(page).screenshot(path=str(shots / "launcher-new-run.png"))
        page.get_by_role("button", name="Start run").click()

        expect(page.get_by_role("heading", name=PROJECT)).to_be_visible(timeout=SLOW)
        agents = page.get_by_test_id("stTable")
        expect(agents.get_by_text("Analyzer & Planner")).to_be_visible(timeout=SLOW)
        page.screenshot(path=str(shots / "launcher-run-live.png"))

        approve = page.get_by_role("button", name="Approve and release")
        _wait_for_either(page, approve, page.get_by_test_id("stAlertContentError"))
        expect(page.get_by_text("Ready for deployment:").first).to_be_visible()
        expect(page.get_by_text("5 of 5 agents done")).to_be_visible()
        # Missing values and 3+ distributions: Streamlit draws the charts one by one.
        expect(page.get_by_test_id("stVegaLiteChart").nth(3)).to_be_visible(timeout=SLOW)
        assert page.get_by_test_id("stVegaLiteChart").count() >= 4
        _settled(page).screenshot(path=str(shots / "launcher-approval.png"))

        page.get_by_label("Reviewer").fill("frank")
        page.get_by_label("Comment").fill("Looks right; ship it.")
        approve.click()
        expect(page.get_by_text("Approved by frank")).to_be_visible(timeout=SLOW)
        expect(page.get_by_text("Deployment: healthy")).to_be_visible()
        expect(page.get_by_text(f"{PROJECT}.git").first).to_be_visible()
        _settled(page).screenshot(path=str(shots / "launcher-release.png"))

        _open(page, "Recent runs")
        expect(page.get_by_role("heading", name="Recent runs")).to_be_visible()
        expect(page.get_by_text("pipeline runs; page 1 of")).to_be_visible()
        _settled(page).screenshot(path=str(shots / "launcher-recent-runs.png"))

    def test_scheduled_analysis_reports_drift(
        self, backend: Backend, browser: Browser, launcher_url: str, shots: Path, tmp_path: Path
    ) -> None:
        """Two analyses of a changing file started from the page show the drift between them."""
        data = tmp_path / "orders.csv"
        page = _page(browser, launcher_url)
        _open(page, "CSV analyses")
        contents = (
            "order_id,amount,region\n1,10.5,north\n2,12.0,south\n3,11.25,north\n",
            "order_id,amount,region,coupon\n1,10.5,north,A\n2,12.0,south,B\n3,99.0,west,C\n",
        )
        for number, text in enumerate(contents, start=1):
            data.write_text(text, encoding="utf-8")
            page.get_by_label("CSV location").fill(str(data))
            page.get_by_role("button", name="Analyse now").click()
            expect(page.get_by_text("Started analysis run")).to_be_visible(timeout=SLOW)

            def finished(count: int = number) -> bool:
                with prefect_in(backend):
                    done, _ = observe.recent_runs(flow=observe.CSV_FLOW, limit=10)
                return sum(run.status == "completed" for run in done) >= count

            wait_until(finished, timeout=300)
        page.reload()  # a new session: pick the page again, then the reports are read afresh
        _open(page, "CSV analyses")
        expect(page.get_by_role("heading", name="Scheduled CSV analyses")).to_be_visible()
        expect(page.get_by_text("Column 'coupon' was added.").first).to_be_visible()
        _settled(page).screenshot(path=str(shots / "launcher-csv-analyses.png"))
