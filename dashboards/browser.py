"""Helpers for driving the dashboard in Debian's Chromium (tests, benchmark, screenshots).

`running_server()` starts `python -m dashboards.serve` on a free local port and stops it;
`chromium(playwright)` launches /usr/bin/chromium headless (Playwright cannot download
browsers here); `offline(context)` aborts every request that is not to this machine and
records it, so a test can prove that the page needs nothing from outside.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 800}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def server_log(url: str) -> Path:
    """Where `running_server` writes the output of the server at `url`."""
    return Path(os.environ.get("TMPDIR", "/tmp")) / f"dashboard-{urlparse(url).port}.log"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(port: int | None = None, env: dict[str, str] | None = None, timeout_s: float = 90.0,
                   args: tuple[str, ...] = ()) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start the dashboard server; yield (url, process); stop it (the whole process group) afterwards."""
    port = port or free_port()
    log = open(server_log(f"http://127.0.0.1:{port}/"), "wb")
    process = subprocess.Popen([sys.executable, "-m", "dashboards.serve", "--port", str(port), *args],
                               env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"dashboard server exited with {process.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"dashboard server did not answer within {timeout_s:.0f} s; see {log.name}")
            time.sleep(0.5)
        yield url, process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def chromium(playwright):
    """Debian's chromium, headless, as Playwright's browser."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def offline(context) -> list[str]:
    """Abort every request to another machine; return the (growing) list of blocked URLs."""
    blocked: list[str] = []

    def handle(route):
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", handle)
    return blocked


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and its children (Linux /proc)."""
    total = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    for one in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def wait_ready(page, timeout_ms: int = 60_000) -> None:
    """Wait until the dashboard's page has rendered its controls."""
    page.wait_for_selector(".btn-play, .btn-pause", timeout=timeout_ms)
