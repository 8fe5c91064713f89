"""Start the trainer dashboard: `python -m dashboards.serve [--host 127.0.0.1] [--port 8765]` (or `make dashboard`).

Binds 127.0.0.1 unless told otherwise, prints the URL, and runs Solara in production
mode with everything served locally: the browser assets come from Solara's local
cache (filled by `python -m dashboards.offline_assets`), and the CDN fallback points
at a closed local port, so a missing asset fails fast instead of reaching the internet.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shutil
import sys
from pathlib import Path

DEFAULT_PORT = 8765
LOCAL_CDN = "http://127.0.0.1:9/npm/"  # port 9 (discard) is closed: nothing leaves the machine


def server_environment(max_sessions: int, idle_minutes: float) -> dict[str, str]:
    """The settings Solara and the app read from the environment."""
    return {
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_ASSETS_CDN": LOCAL_CDN,
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_THEME_TITLE": "Service-profit chain",
        "SOLARA_KERNEL_CULL_TIMEOUT": f"{idle_minutes:g}m",
        "SOLARA_KERNEL_MAX_COUNT": str(max_sessions + 5),
        "DASHBOARD_MAX_SESSIONS": str(max_sessions),
    }


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"),
                        help="address to bind (default 127.0.0.1: only this machine)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)))
    parser.add_argument("--max-sessions", type=int, default=40, help="browser tabs served at once (default 40)")
    parser.add_argument("--idle-minutes", type=float, default=2.0,
                        help="minutes after a tab disconnects before its simulation is dropped (default 2)")
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        parser.error(f"--port = {args.port} is out of range: expected an integer in [1, 65535]")
    if args.max_sessions < 1:
        parser.error(f"--max-sessions = {args.max_sessions} is not allowed: expected a positive integer")
    if args.idle_minutes <= 0:
        parser.error(f"--idle-minutes = {args.idle_minutes} is not allowed: expected a positive number")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    from .offline_assets import missing

    absent = missing()
    if absent:
        print(f"browser assets missing: {', '.join(absent)}; run: python -m dashboards.offline_assets",
              file=sys.stderr)
        return 1
    if not is_loopback(args.host):
        print(f"warning: binding {args.host}: other machines on this network can open the dashboard",
              file=sys.stderr)
    os.environ.update(server_environment(args.max_sessions, args.idle_minutes))
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"Dashboard: http://{shown}:{args.port}/", flush=True)
    solara = shutil.which("solara", path=str(Path(sys.executable).parent)) or "solara"
    os.execv(solara, [solara, "run", "dashboards.app", "--host", args.host, "--port", str(args.port),
                      "--production", "--no-open"])
    return 0  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main())
