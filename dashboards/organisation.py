"""The organisation as a picture: a tile per team, a dot per employee, the team's customers beside it.

A dot's colour mixes engagement and exhaustion (engaged and fresh = green, engaged but
exhausted = orange, disengaged = grey, disengaged and exhausted = red). Beside each
tile a bar shows the team's customers against its start and their loyalty. Drawn as
SVG on the server: no script, nothing fetched, cheap to send.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np

from .i18n import text

MAX_TEAMS_SHOWN = 20
# Corner colours (RGB) of the engagement x exhaustion square.
ENGAGED_FRESH = np.array([46, 125, 50])
ENGAGED_EXHAUSTED = np.array([239, 108, 0])
DISENGAGED_FRESH = np.array([144, 164, 174])
DISENGAGED_EXHAUSTED = np.array([198, 40, 40])


def dot_colours(engagement: np.ndarray, exhaustion: np.ndarray) -> list[str]:
    """Bilinear mix of the four corner colours; engagement and exhaustion are 0-1."""
    e = np.clip((np.asarray(engagement) - 0.4) / 0.35, 0, 1)[:, None]  # 0.4 -> 0, 0.75 -> 1
    x = np.clip((np.asarray(exhaustion) - 0.25) / 0.35, 0, 1)[:, None]  # 0.25 -> 0, 0.6 -> 1
    rgb = (e * (1 - x) * ENGAGED_FRESH + e * x * ENGAGED_EXHAUSTED + (1 - e) * (1 - x) * DISENGAGED_FRESH
           + (1 - e) * x * DISENGAGED_EXHAUSTED)
    return [f"rgb({r},{g},{b})" for r, g, b in np.round(rgb).astype(int)]


def organisation_svg(staff: dict[str, np.ndarray], teams: dict[str, np.ndarray], lang: str = "en",
                     width: int = 910) -> str:
    """SVG of up to MAX_TEAMS_SHOWN team tiles and the back office."""
    n_teams = len(teams["customers"])
    shown = min(n_teams, MAX_TEAMS_SHOWN)
    units = list(range(shown)) + [n_teams]  # the back office is unit n_teams
    columns = min(5, len(units))
    tile_w, dot, gap = (width - 10) / columns, 17.0, 10
    per_row = max(1, int((tile_w - 26) // dot))
    counts = np.bincount(staff["unit"], minlength=n_teams + 1)
    heights = [30 + math.ceil(max(int(counts[u]), 1) / per_row) * dot + (8 if u == n_teams else 60) for u in units]
    row_heights = [max(heights[i:i + columns]) for i in range(0, len(units), columns)]
    height = sum(row_heights) + gap * len(row_heights) + (24 if shown < n_teams else 0)
    colours = np.array(dot_colours(staff["engagement"], staff["exhaustion"]), dtype=object)
    top_customers = max(float(np.nanmax(teams["customers"][:shown])) if shown else 1.0,
                        float(np.nanmax(teams["customers_start"][:shown])) if shown else 1.0, 1.0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" width="100%" '
             f'role="img" aria-label="{escape(text("org.title", lang))}" style="font-family:Roboto,Arial">']
    for slot, unit in enumerate(units):
        row, col = divmod(slot, columns)
        x0, y0 = 5 + col * tile_w, 5 + sum(row_heights[:row]) + gap * row
        back = unit == n_teams
        tile_h = row_heights[row] if not back else heights[slot]
        title = text("org.backoffice", lang) if back else f'{text("org.team", lang)} {unit + 1}'
        parts.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{tile_w - 8:.1f}" height="{tile_h:.1f}" rx="8" '
                     f'fill="{"#eceff1" if back else "#f5f7fa"}" stroke="#cfd8dc"/>')
        parts.append(f'<text x="{x0 + 10:.1f}" y="{y0 + 20:.1f}" font-size="15" font-weight="700" '
                     f'fill="#37474f">{escape(title)}</text>')
        members = np.flatnonzero(staff["unit"] == unit)
        for k, member in enumerate(members):
            r, c = divmod(k, per_row)
            cx = x0 + 12 + dot / 2 + c * dot
            cy = y0 + 30 + dot / 2 + r * dot
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{dot * 0.4:.1f}" fill="{colours[member]}"/>')
        if back:
            continue
        # The team's customer base: a bar (full = the largest team), a tick at its start, loyalty as its colour.
        customers, loyalty = float(teams["customers"][unit]), float(teams["loyalty"][unit])
        bar_x, bar_w, bar_y = x0 + 12, tile_w - 36, y0 + tile_h - 52
        filled = bar_w * min(customers / top_customers, 1.0)
        start_x = bar_x + bar_w * min(float(teams["customers_start"][unit]) / top_customers, 1.0)
        hue = int(max(0.0, min(1.0, (loyalty - 0.5) / 0.4)) * 120)  # red (0.5) -> green (0.9)
        parts.append(f'<rect x="{bar_x:.1f}" y="{bar_y:.1f}" width="{bar_w:.1f}" height="10" fill="#ffffff" '
                     f'stroke="#b0bec5"/>')
        parts.append(f'<rect x="{bar_x:.1f}" y="{bar_y:.1f}" width="{filled:.1f}" height="10" '
                     f'fill="hsl({hue},65%,42%)"/>')
        parts.append(f'<line x1="{start_x:.1f}" x2="{start_x:.1f}" y1="{bar_y - 3:.1f}" y2="{bar_y + 13:.1f}" '
                     f'stroke="#263238" stroke-width="2"/>')
        parts.append(f'<text x="{bar_x:.1f}" y="{bar_y + 26:.1f}" font-size="13" fill="#37474f">'
                     f'<tspan font-weight="700">{customers:,.0f}</tspan> {escape(text("org.customers", lang))}</text>')
        parts.append(f'<text x="{bar_x:.1f}" y="{bar_y + 42:.1f}" font-size="13" fill="#37474f">'
                     f'{escape(text("org.loyalty", lang))} <tspan font-weight="700">{loyalty:.2f}</tspan></text>')
    if shown < n_teams:
        parts.append(f'<text x="8" y="{height - 6:.0f}" font-size="13" fill="#607d8b">'
                     f'{escape(text("org.more", lang, shown=shown, total=n_teams))}</text>')
    parts.append("</svg>")
    return "".join(parts)
