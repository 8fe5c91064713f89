"""End to end in real Chromium, offline: open, move a lever, play, check the numbers, switch views.

Every request that is not to this machine is aborted; the charts must still render.
Screenshots (1280x800) go to docs/screenshots/ for the guide and for a human to judge.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from dashboards.browser import VIEWPORT, chromium, offline, running_server, server_log, wait_ready
from dashboards.kpis import KPIS, format_value, kpi_values
from dashboards.levers import base_config
from sim import Event, simulate

pytestmark = pytest.mark.slow
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = {"DASHBOARD_LANDSCAPE_POINTS": "3", "DASHBOARD_CACHE_DIR": str(tmp_path_factory.mktemp("cache"))}
    with running_server(env=env) as (url, process):
        assert f"Dashboard: {url}" in server_log(url).read_text(errors="replace")  # `make dashboard` prints the URL
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = chromium(playwright)
        yield launched
        launched.close()


def shot(page, name: str, anchor: str | None = None) -> None:
    if anchor:
        page.locator(anchor).first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def choose(page, select_class: str, option: str) -> None:
    page.locator(f".{select_class} .v-select__slot").click()
    page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()


def day_shown(page) -> int:
    return int(page.locator(".day-value").inner_text())


def test_a_trainer_session_offline(server, browser):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    blocked = offline(context)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server)
    wait_ready(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)  # the charts render offline

    customers = "document.querySelector('.kpi-card[data-kpi=customers] .kpi-value').textContent.trim()"
    choose(page, "org-select", "small")
    page.wait_for_function(f"{customers} === '8,000'")
    choose(page, "org-select", "reference")  # the reference firm: 10 teams of 15, 20,000 customers
    page.wait_for_function(f"{customers} === '20,000'")
    page.locator(".btn-week").click()
    page.wait_for_function("document.querySelector('.day-value').textContent === '7'")

    # Move the pressure lever on day 7: it becomes an event from day 7.
    track = page.locator(".lever-main .v-slider").first
    box = track.bounding_box()
    page.mouse.click(box["x"] + 0.85 * box["width"], box["y"] + box["height"] / 2)
    label = page.locator(".lever-main .v-label").first
    page.wait_for_function("el => !el.textContent.endsWith(': 0.4')", arg=label.element_handle())
    pressure = float(label.inner_text().rsplit(":", 1)[1])
    assert 0.75 <= pressure <= 0.95

    page.locator(".btn-play").click()
    page.wait_for_function("Number(document.querySelector('.day-value').textContent) > 20")
    page.locator(".btn-pause").click()
    page.locator(".btn-end").click()
    page.wait_for_function("document.querySelector('.day-value').textContent === '730'", timeout=60_000)
    page.wait_for_timeout(500)
    assert page.locator(".js-plotly-plot .shapelayer path").count() > 0  # the lever move is marked

    config = base_config("default", "baseline", 730)
    expected_run = simulate(dataclasses.replace(config, events=(Event(day=7, set={"policy.pressure": pressure}),)), 0)
    daily = {name: expected_run.daily[name].to_numpy() for name in expected_run.daily}
    start = {k[:-6]: v for k, v in expected_run.summary.items() if k.endswith("_start")}
    expected = kpi_values(daily, start, 730)
    for name in KPIS:
        card = page.locator(f".kpi-card[data-kpi={name}]")
        shown_value = float(card.get_attribute("data-value"))
        assert math.isclose(shown_value, expected[name].value, rel_tol=1e-12, abs_tol=1e-12), name
        assert card.locator(".kpi-value").inner_text() == format_value(name, expected[name].value)
    shot(page, "live_end_of_run")
    shot(page, "organisation", ".org-picture")

    with page.expect_download() as download:
        page.locator("button", has_text="Data (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
    assert "day,customers" in Path(download.value.path()).read_text()

    page.locator(".lang-toggle button", has_text="nl").click()
    page.wait_for_selector("text=Van beleid tot klant")
    page.wait_for_selector(".kpi-card[data-kpi=engagement] .kpi-name:has-text('Bevlogenheid')")
    page.locator(".btn-reset").click()
    page.locator(".btn-week").click()
    page.wait_for_timeout(500)
    shot(page, "live_dutch")
    page.locator(".lang-toggle button", has_text="en").click()

    page.locator(".v-tab", has_text="Compare").click()
    page.locator(".btn-compare").click()
    page.wait_for_selector(".kpi-card[data-kpi=loyalty]", timeout=60_000)
    page.wait_for_selector(".runs-legend", timeout=30_000)
    shot(page, "compare")

    page.locator(".v-tab", has_text="Landscape").click()
    page.locator(".btn-landscape").click()
    page.wait_for_selector(".js-plotly-plot .heatmaplayer", timeout=120_000)
    page.wait_for_function("!document.querySelector('.landscape-progress')", timeout=120_000)
    page.wait_for_timeout(500)
    shot(page, "landscape")

    page.locator(".v-tab", has_text="Stories").click()
    page.locator(".btn-story").click()
    page.wait_for_function("document.querySelector('.caption-banner').textContent.length > 5", timeout=120_000)
    shot(page, "stories")

    assert blocked == [], f"requests to other machines: {blocked}"
    # Switching views closes chart widgets; a message for a just-closed widget logs this harmless error.
    assert [e for e in errors if "no comm channel defined" not in e] == []
    context.close()
