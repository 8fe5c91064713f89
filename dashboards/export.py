"""Export: the current run's daily data as CSV, under a file name that cannot escape or surprise.

Charts are exported as PNG by each chart's own camera button (rendered in the browser,
nothing fetched); the organisation and chain pictures can be saved as SVG.
"""

from __future__ import annotations

import io
import re

import pandas as pd

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(stem: str, suffix: str, max_length: int = 80) -> str:
    """`stem` reduced to letters, digits, '.', '_' and '-' (no path, no leading dot), plus `suffix`."""
    cleaned = _UNSAFE.sub("_", str(stem)).strip("._-")[:max_length] or "export"
    suffix = _UNSAFE.sub("", suffix.lstrip(".")) or "dat"
    return f"{cleaned}.{suffix}"


def daily_csv(daily: dict, rows: int, header: dict[str, str] | None = None) -> bytes:
    """The first `rows` days of every daily column as CSV; `header` lines (settings) go first as comments."""
    frame = pd.DataFrame({name: values[:rows] for name, values in daily.items()})
    buffer = io.StringIO()
    for key, value in (header or {}).items():
        buffer.write(f"# {key}: {value}\n")
    frame.to_csv(buffer, index=False, float_format="%.6g")
    return buffer.getvalue().encode("utf-8")
