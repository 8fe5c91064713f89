"""Put the browser assets Solara would fetch from a CDN into its local cache, at install time.

Solara serves `/_solara/cdn/<package>@<version>/<file>` from a cache directory and
fetches a missing file from a public CDN. A trainer on a client's network has no
internet, so `make dashboard` and `make test` fill that cache from the npm registry
(`npm pack`) beforehand; at run time no request leaves the machine.

    python -m dashboards.offline_assets          # install what is missing
    python -m dashboards.offline_assets --check  # exit 1 if anything is missing
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# Every npm package (exact version) the dashboard's page asks Solara's CDN proxy for.
# Found by loading every view in Chromium with the proxy logging its requests.
PACKAGES: tuple[str, ...] = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
)


def cache_dir() -> Path:
    """Solara's CDN cache (`<venv>/share/solara/cdn/` unless SOLARA_ASSETS_PROXY_CACHE_DIR says otherwise)."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def missing(packages: tuple[str, ...] = PACKAGES, root: Path | None = None) -> list[str]:
    """The packages whose folder is not in the cache yet."""
    root = root or cache_dir()
    return [spec for spec in packages if not (root / spec / "package.json").is_file()]


def install(spec: str, root: Path) -> Path:
    """`npm pack` one package and unpack it as `<root>/<name>@<version>/` (atomically, via a rename)."""
    target = root / spec
    with tempfile.TemporaryDirectory(dir=root) as work:
        packed = subprocess.run(["npm", "pack", "--silent", spec], cwd=work, check=True,
                                capture_output=True, text=True).stdout.strip().splitlines()[-1]
        unpacked = Path(work) / "unpacked"
        with tarfile.open(Path(work) / packed) as archive:
            archive.extractall(unpacked, filter="data")
        target.parent.mkdir(parents=True, exist_ok=True)
        (unpacked / "package").rename(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report missing packages")
    args = parser.parse_args(argv)
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    todo = missing(root=root)
    if args.check:
        for spec in todo:
            print(f"missing: {spec} (run: python -m dashboards.offline_assets)", file=sys.stderr)
        return 1 if todo else 0
    for spec in todo:
        print(f"installing {spec} into {root}")
        try:
            install(spec, root)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"cannot install {spec}: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
