"""A classroom: 20 tabs at once in one Chromium, each driving its own simulation.

No page errors, every tab advances on its own, the server's memory stays bounded,
and after the tabs close (and the idle timeout passes) every simulation is dropped
and memory goes back to the OS. Prints the server's RSS for the report.
"""

from __future__ import annotations

import time

import pytest

from dashboards.browser import VIEWPORT, chromium, offline, rss_bytes, running_server, server_log, wait_ready

pytestmark = pytest.mark.slow
TABS = 20
MIB = 1024 * 1024


def test_twenty_tabs_each_run_their_own_simulation_and_memory_is_given_back():
    from playwright.sync_api import sync_playwright

    with running_server(args=("--idle-minutes", "0.1", "--max-sessions", "30")) as (url, server), \
            sync_playwright() as playwright:
        browser = chromium(playwright)
        warm = browser.new_context(viewport=VIEWPORT)  # first tab pays the imports
        page = warm.new_page()
        page.goto(url)
        wait_ready(page)
        warm.close()
        time.sleep(12)
        base = rss_bytes(server.pid)

        contexts, pages, errors = [], [], []
        for index in range(TABS):
            context = browser.new_context(viewport=VIEWPORT)
            offline(context)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url)
            contexts.append(context)
            pages.append(page)
        for page in pages:
            wait_ready(page, timeout_ms=120_000)
        for index, page in enumerate(pages):
            for _ in range(index % 3 + 1):  # tabs take different numbers of weeks: no shared state
                page.locator(".btn-week").click()
                page.wait_for_timeout(100)
        for index, page in enumerate(pages):
            expected = str(7 * (index % 3 + 1))
            page.wait_for_function(f"document.querySelector('.day-value').textContent === '{expected}'",
                                   timeout=60_000)
        for page in pages:
            page.locator(".btn-play").click()
        for index, page in enumerate(pages):  # every tab moves on by itself, however busy the server is
            page.wait_for_function(f"Number(document.querySelector('.day-value').textContent) > {7 * (index % 3 + 1)}",
                                   timeout=120_000)
        for page in pages:  # a fast tab may reach the end (and lose its pause button) at any moment
            page.evaluate("document.querySelector('.btn-pause')?.click()")
        days = [int(page.locator(".day-value").inner_text()) for page in pages]
        peak = rss_bytes(server.pid)
        for context in contexts:
            context.close()
        browser.close()
        time.sleep(25)  # idle timeout (6 s) + the server's cull and garbage collection
        after = rss_bytes(server.pid)
        log = server_log(url).read_text(errors="replace")

    print(f"\nRSS: one warm tab closed {base / MIB:.0f} MiB, {TABS} tabs {peak / MIB:.0f} MiB, "
          f"after closing {after / MIB:.0f} MiB; days reached {min(days)}..{max(days)}")
    assert [e for e in errors if "no comm channel defined" not in e] == []
    assert all(day > 7 * (index % 3 + 1) for index, day in enumerate(days)), days
    assert peak - base < 60 * MIB * TABS  # bounded: well under 60 MiB per tab
    # Every closed tab's simulation is dropped (the server logs the count after each close) ...
    assert "0 tabs open, 0 simulations in memory" in log
    # ... and part of the memory goes back to the OS. Solara 1.64 keeps ~110 closed widget objects per tab
    # alive, and the Python heap keeps some freed pages, so not all of it does (see docs/dashboard.md).
    assert after < peak - 0.15 * (peak - base), "no memory was given back after the tabs closed"
