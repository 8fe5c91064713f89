"""Browser benchmark: simulated days per second and chart refreshes per second while playing.

    python -m benchmarks.dashboard_fps [--seconds 10] [--speed 60 --speed 240]

Starts the dashboard (`python -m dashboards.serve`) on a free local port, opens it in
Debian's Chromium at 1280x800 with every non-local request blocked, plays the
reference scenario (10 teams x 15, 20,000 customers) at each speed setting and
counts, in the page: how far the day counter moves, how often the day counter
changes on screen, and how often Plotly redraws the charts (its `plotly_afterplot`
event). Not a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import time

from dashboards.browser import VIEWPORT, chromium, offline, running_server, wait_ready

STOP_DAY = 700  # the reference run has 730 days; measure while it is still playing
WATCH = """() => {
  window.__redraws = 0; window.__counterChanges = 0;
  const plot = document.querySelector('.js-plotly-plot');
  plot.on('plotly_afterplot', () => { window.__redraws += 1; });
  const counter = document.querySelector('.day-value');
  new MutationObserver(() => { window.__counterChanges += 1; })
      .observe(counter.parentElement, {subtree: true, childList: true, characterData: true});
}"""


def day_of(page) -> int:
    return int(page.locator(".day-value").inner_text())


def measure(page, speed: int, seconds: float) -> dict[str, float]:
    """Reset, choose the speed, play for `seconds`, and read the counters."""
    page.locator(".btn-reset").click()
    page.wait_for_function("document.querySelector('.day-value').textContent === '0'")
    page.locator(".speed-select .v-select__slot").click()
    page.locator(".menuable__content__active .v-list-item", has_text=str(speed)).first.click()
    page.wait_for_timeout(300)
    page.evaluate(WATCH)
    start_day, started = day_of(page), time.perf_counter()
    page.locator(".btn-play").click()
    end_day = start_day
    while time.perf_counter() - started < seconds and end_day < STOP_DAY:  # stop before the run ends
        page.wait_for_timeout(100)
        end_day = day_of(page)
    elapsed = time.perf_counter() - started
    redraws, changes = page.evaluate("[window.__redraws, window.__counterChanges]")
    page.locator(".btn-pause").click()
    return {"speed_setting": speed, "seconds": round(elapsed, 2), "days": end_day - start_day,
            "days_per_second": round((end_day - start_day) / elapsed, 1),
            "chart_redraws_per_second": round(redraws / elapsed, 1),
            "screen_updates_per_second": round(changes / elapsed, 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to play at each speed")
    parser.add_argument("--speed", type=int, action="append", choices=(10, 30, 60, 120, 240),
                        help="speed settings (days/s) to measure; default 60 and 240")
    args = parser.parse_args(argv)
    if args.seconds <= 0:
        parser.error(f"--seconds = {args.seconds} is not allowed: expected a positive number")
    from playwright.sync_api import sync_playwright

    results = []
    with running_server() as (url, _server), sync_playwright() as playwright:
        browser = chromium(playwright)
        context = browser.new_context(viewport=VIEWPORT)
        blocked = offline(context)
        page = context.new_page()
        page.goto(url)
        wait_ready(page)
        page.wait_for_selector(".js-plotly-plot .main-svg")
        for speed in args.speed or [60, 240]:
            results.append(measure(page, speed, args.seconds))
            print(json.dumps(results[-1]), flush=True)
        browser.close()
    if blocked:
        print(f"warning: the page asked for other machines: {blocked}")


if __name__ == "__main__":
    main()
