"""The service-profit chain as a diagram: policy -> employees -> service -> customers -> money.

Each box shows the current values of its stage with their change since day 0 (green
when better, red when worse), each arrow the value that carries the effect to the
next stage, so a newcomer can follow why loyalty moved. Plain SVG, drawn on the server.
"""

from __future__ import annotations

import math
from html import escape
from typing import Mapping

from .i18n import text

# (stage key, [(daily column, label key, format, higher is better)]); formats: "f2" 0-1, "n" count, "eur" money.
STAGES: tuple[tuple[str, tuple[tuple[str, str, str, bool], ...]], ...] = (
    ("chain.policy", (("management_pressure", "chain.pressure", "f2", False),
                      ("appreciation_lever", "chain.appreciation", "f2", True))),
    ("chain.employees", (("engagement", "chain.engagement", "f2", True),
                         ("exhaustion", "chain.exhaustion", "f2", False),
                         ("burnout_share", "kpi.burnout_share", "pct", False))),
    ("chain.service", (("service_quality", "chain.quality", "f2", True),
                       ("resolution_rate", "chain.resolution", "pct", True),
                       ("time_per_customer", "chain.time", "h", True))),
    ("chain.customers", (("satisfaction", "chain.satisfaction", "f2", True),
                         ("loyalty", "chain.loyalty", "f2", True),
                         ("customers", "chain.customers_n", "n", True))),
    ("chain.money", (("revenue_30d", "chain.revenue", "eur", True),
                     ("profit_30d", "chain.profit", "eur", True))),
)
# What carries each link (from the stage on the left to the one on the right).
LINKS: tuple[tuple[str, str, str], ...] = (
    ("pressure", "chain.work_pressure", "f2"),
    ("appreciation", "chain.felt_appreciation", "f2"),
    ("customer_centricity_engaged", "chain.centricity", "f1"),
    ("encounter_satisfaction", "chain.satisfaction", "f2"),
)


def _fmt(value: float, kind: str, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    s = "+" if signed else ""
    return {"f2": f"{value:{s}.2f}", "f1": f"{value:{s}.1f}", "n": f"{value:{s},.0f}",
            "pct": f"{100 * value:{s}.0f}%", "h": f"{60 * value:{s}.0f} min",
            "eur": f"{'-' if value < 0 else ('+' if signed else '')}€{abs(value) / 1000:,.1f}k"}[kind]


def chain_svg(now: Mapping[str, float], start: Mapping[str, float], lang: str = "en", width: int = 940) -> str:
    """The chain with today's values (`now`) and their change against day 0 (`start`)."""
    boxes = len(STAGES)
    gap = 78
    box_w = (width - gap * (boxes - 1) - 10) / boxes
    row_h, top = 40, 6
    box_h = 34 + row_h * max(len(rows) for _stage, rows in STAGES)
    height = box_h + 2 * top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(text("chain.title", lang))}" style="font-family:Roboto,Arial">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
             'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#546e7a"/></marker></defs>']
    for index, (stage, rows) in enumerate(STAGES):
        x0 = 5 + index * (box_w + gap)
        parts.append(f'<rect x="{x0:.1f}" y="{top}" width="{box_w:.1f}" height="{box_h}" rx="10" fill="#f5f7fa" '
                     f'stroke="#90a4ae" stroke-width="1.5"/>')
        parts.append(f'<text x="{x0 + box_w / 2:.1f}" y="{top + 22}" text-anchor="middle" font-size="17" '
                     f'font-weight="700" fill="#1f3a5f">{escape(text(stage, lang))}</text>')
        for k, (column, label, kind, higher_better) in enumerate(rows):
            y = top + 44 + k * row_h
            value, base = now.get(column, math.nan), start.get(column, math.nan)
            change = value - base if not (math.isnan(value) or math.isnan(base)) else math.nan
            good = None if math.isnan(change) or abs(change) < 1e-9 else (change > 0) == higher_better
            colour = "#2e7d32" if good else ("#c62828" if good is False else "#607d8b")
            mark = "▲" if change > 0 else ("▼" if change < 0 else "")
            parts.append(f'<text x="{x0 + 10:.1f}" y="{y}" font-size="13" fill="#546e7a">'
                         f'{escape(text(label, lang))}</text>')
            parts.append(f'<text x="{x0 + 10:.1f}" y="{y + 18}" font-size="16" font-weight="700" fill="#263238">'
                         f'{_fmt(value, kind)} <tspan fill="{colour}" font-size="13" font-weight="600">'
                         f'{mark}{_fmt(change, kind, True) if mark else ""}</tspan></text>')
        if index < boxes - 1:
            link_column, link_label, kind = LINKS[index]
            ax0, ax1, mid = x0 + box_w + 3, x0 + box_w + gap - 3, x0 + box_w + gap / 2
            parts.append(f'<line x1="{ax0:.1f}" y1="{top + box_h / 2}" x2="{ax1:.1f}" y2="{top + box_h / 2}" '
                         f'stroke="#546e7a" stroke-width="3" marker-end="url(#arrow)"/>')
            parts.append(f'<text x="{mid:.1f}" y="{top + box_h / 2 - 10}" text-anchor="middle" '
                         f'font-size="15" font-weight="700" fill="#37474f">'
                         f'{_fmt(now.get(link_column, math.nan), kind)}</text>')
            words = [part for word in text(link_label, lang).split(" ")
                     for part in ([word[:11] + "-", word[11:]] if len(word) > 12 else [word])]
            for line, word in enumerate(words):
                parts.append(f'<text x="{mid:.1f}" y="{top + box_h / 2 + 20 + 13 * line}" text-anchor="middle" '
                             f'font-size="12" fill="#546e7a">{escape(word)}</text>')
    parts.append("</svg>")
    return "".join(parts)
