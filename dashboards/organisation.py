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
    e = np.clip((np.asarray(engagement) - 0.3) / 0.5, 0, 1)[:, None]  # 0.3 -> 0, 0.8 -> 1
    x = np.clip((np.asarray(exhaustion) - 0.2) / 0.5, 0, 1)[:, None]  # 0.2 -> 0, 0.7 -> 1
    rgb = (e * (1 - x) * ENGAGED_FRESH + e * x * ENGAGED_EXHAUSTED + (1 - e) * (1 - x) * DISENGAGED_FRESH
           + (1 - e) * x * DISENGAGED_EXHAUSTED)
    return [f"rgb({r},{g},{b})" for r, g, b in np.round(rgb).astype(int)]


def organisation_svg(staff: dict[str, np.ndarray], teams: dict[str, np.ndarray], lang: str = "en",
                     width: int = 900) -> str:
    """SVG of up to MAX_TEAMS_SHOWN team tiles and the back office."""
    n_teams = len(teams["customers"])
    shown = min(n_teams, MAX_TEAMS_SHOWN)
    units = list(range(shown)) + [n_teams]  # the back office is unit n_teams
    columns = 5 if len(units) > 4 else len(units)
    tile_w = (width - 10) / columns
    counts = np.bincount(staff["unit"], minlength=n_teams + 1)
    largest = max(int(counts[units].max()) if len(units) else 1, 1)
    per_row = max(4, math.ceil(math.sqrt(largest * 1.6)))
    dot_rows = math.ceil(largest / per_row)
    dot = min(16.0, (tile_w - 80) / per_row)
    tile_h = max(70.0, dot_rows * dot + 46)
    rows = math.ceil(len(units) / columns)
    height = rows * (tile_h + 10) + 8
    colours = np.array(dot_colours(staff["engagement"], staff["exhaustion"]), dtype=object)
    top_customers = max(float(np.nanmax(teams["customers"][:shown])) if shown else 1.0,
                        float(teams["customers_start"][0]) if shown else 1.0, 1.0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" width="100%" '
             f'role="img" aria-label="{escape(text("org.title", lang))}" style="font-family:Roboto,Arial">']
    for slot, unit in enumerate(units):
        row, col = divmod(slot, columns)
        x0, y0 = 5 + col * tile_w, 5 + row * (tile_h + 10)
        back = unit == n_teams
        title = text("org.backoffice", lang) if back else f'{text("org.team", lang)} {unit + 1}'
        parts.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{tile_w - 8:.1f}" height="{tile_h:.1f}" rx="8" '
                     f'fill="{"#eceff1" if back else "#f5f7fa"}" stroke="#cfd8dc"/>')
        parts.append(f'<text x="{x0 + 8:.1f}" y="{y0 + 18:.1f}" font-size="14" font-weight="600" '
                     f'fill="#37474f">{escape(title)}</text>')
        members = np.flatnonzero(staff["unit"] == unit)
        for k, member in enumerate(members):
            r, c = divmod(k, per_row)
            cx = x0 + 10 + dot / 2 + c * dot
            cy = y0 + 30 + dot / 2 + r * dot
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{dot * 0.42:.1f}" fill="{colours[member]}"/>')
        if back:
            continue
        # The team's customer base: a bar against the largest team (tick = start), loyalty as its colour.
        customers = float(teams["customers"][unit])
        loyalty = float(teams["loyalty"][unit])
        bar_x, bar_w = x0 + tile_w - 58, 16
        bar_top, bar_h = y0 + 26, tile_h - 34
        filled = bar_h * min(customers / top_customers, 1.0)
        start_y = bar_top + bar_h * (1 - min(float(teams["customers_start"][unit]) / top_customers, 1.0))
        hue = int(max(0.0, min(1.0, (loyalty - 0.5) / 0.4)) * 120)  # red (0.5) -> green (0.9)
        parts.append(f'<rect x="{bar_x:.1f}" y="{bar_top:.1f}" width="{bar_w}" height="{bar_h:.1f}" fill="#ffffff" '
                     f'stroke="#b0bec5"/>')
        parts.append(f'<rect x="{bar_x:.1f}" y="{bar_top + bar_h - filled:.1f}" width="{bar_w}" '
                     f'height="{filled:.1f}" fill="hsl({hue},65%,45%)"/>')
        parts.append(f'<line x1="{bar_x - 3:.1f}" x2="{bar_x + bar_w + 3:.1f}" y1="{start_y:.1f}" y2="{start_y:.1f}" '
                     f'stroke="#263238" stroke-width="2"/>')
        parts.append(f'<text x="{bar_x + bar_w + 4:.1f}" y="{bar_top + 12:.1f}" font-size="12" fill="#37474f">'
                     f'{customers:,.0f}</text>')
        parts.append(f'<text x="{bar_x + bar_w + 4:.1f}" y="{bar_top + 27:.1f}" font-size="12" fill="#37474f">'
                     f'{escape(text("org.loyalty", lang)[:4])}.</text>')
        parts.append(f'<text x="{bar_x + bar_w + 4:.1f}" y="{bar_top + 41:.1f}" font-size="12" fill="#37474f">'
                     f'{loyalty:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)
