"""Plotly figure specs: six small time-series panels and the landscape heatmap.

Figures are plain dicts (fast to build, validated once by the FigureWidget), so the
live view can replace only the x/y arrays of existing traces on each refresh. The
x axis always spans the whole run, so the charts do not jump while playing.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from .i18n import text

ROLLING_DAYS = 30
FONT = {"family": "Roboto, Arial, sans-serif", "size": 14, "color": "#263238"}
SERIES_COLOURS = {"customers": "#1565c0", "satisfaction": "#00897b", "loyalty": "#6a1b9a",
                  "engagement": "#2e7d32", "exhaustion": "#ef6c00", "burnout_share": "#c62828",
                  "service_quality": "#00838f", "resolution_rate": "#5d4037", "pressure": "#ad1457",
                  "profit_30d": "#2e7d32", "revenue_30d": "#1565c0", "cost_30d": "#c62828",
                  "management_pressure": "#ad1457", "appreciation": "#f9a825"}
RUN_COLOURS = ("#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00")

# (title key, [(series, legend label en, legend label nl)]); the first series is the headline one.
PANELS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    ("chart.customers", (("customers", "customers", "klanten"),)),
    ("chart.loyalty", (("loyalty", "loyalty", "loyaliteit"), ("satisfaction", "satisfaction", "tevredenheid"))),
    ("chart.employees", (("engagement", "engagement", "bevlogenheid"), ("exhaustion", "exhaustion", "uitputting"),
                         ("burnout_share", "burnout share", "aandeel burn-out"))),
    ("chart.service", (("service_quality", "quality", "kwaliteit"), ("resolution_rate", "resolved", "opgelost"))),
    ("chart.money", (("profit_30d", "profit", "winst"), ("revenue_30d", "revenue", "omzet"),
                     ("cost_30d", "cost", "kosten"))),
    ("chart.policy", (("management_pressure", "pressure lever", "werkdruk-knop"),
                      ("appreciation", "felt appreciation", "ervaren waardering"))),
)
RAW_COLUMNS = ("customers", "loyalty", "satisfaction", "engagement", "exhaustion", "burnout_share",
               "service_quality", "resolution_rate", "pressure", "profit", "revenue", "cost",
               "management_pressure", "appreciation")
COLUMNS = 3
WIDTH = 915  # the main column at a 1280-pixel-wide screen


def rolling_mean(values: np.ndarray, window: int = ROLLING_DAYS) -> np.ndarray:
    """Trailing mean over up to `window` days (shorter at the start)."""
    if len(values) == 0:
        return values
    sums = np.cumsum(np.insert(values.astype(float), 0, 0.0))
    index = np.arange(1, len(values) + 1)
    lows = np.maximum(index - window, 0)
    return (sums[index] - sums[lows]) / (index - lows)


def derive(series: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The plotted series from the raw daily columns (money smoothed over 30 days)."""
    out = dict(series)
    for name in ("profit", "revenue", "cost"):
        if name in series:
            out[f"{name}_30d"] = rolling_mean(series[name])
    return out


def _axis_names(index: int) -> tuple[str, str]:
    suffix = "" if index == 0 else str(index + 1)
    return f"xaxis{suffix}", f"yaxis{suffix}"


def _key(members: tuple[tuple[str, str, str], ...], lang: str) -> str:
    """A coloured legend line under a panel title: one square per series."""
    return "   ".join(f'<span style="color:{SERIES_COLOURS.get(name, "#455a64")}">■</span> '
                       f'{label_nl if lang == "nl" else label_en}' for name, label_en, label_nl in members)


def _grid_layout(days: int, lang: str, height: int, keys: bool = True) -> dict:
    rows = (len(PANELS) + COLUMNS - 1) // COLUMNS
    layout: dict = {"height": height, "width": WIDTH, "margin": {"l": 60, "r": 16, "t": 50, "b": 30}, "font": FONT,
                    "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff", "showlegend": False,
                    "hovermode": "x unified", "annotations": [], "shapes": [], "uirevision": "keep"}
    gap_x, gap_y = 0.07, 0.2
    width = (1.0 - gap_x * (COLUMNS - 1)) / COLUMNS
    tall = (1.0 - gap_y * (rows - 1)) / rows
    for index, (title_key, members) in enumerate(PANELS):
        row, col = divmod(index, COLUMNS)
        x0 = col * (width + gap_x)
        y1 = 1.0 - row * (tall + gap_y)
        xaxis, yaxis = _axis_names(index)
        anchor = str(index + 1) if index else ""
        layout[xaxis] = {"domain": [x0, x0 + width], "range": [0, days], "anchor": f"y{anchor}",
                         "gridcolor": "#eceff1", "zeroline": False, "tickfont": {"size": 12}}
        domain = [max(0.0, round(y1 - tall, 6)), min(1.0, round(y1, 6))]
        layout[yaxis] = {"domain": domain, "anchor": f"x{anchor}", "gridcolor": "#eceff1",
                         "zeroline": False, "tickfont": {"size": 12}, "automargin": True}
        if keys:
            title = f"<b>{text(title_key, lang)}</b>"
            if len(members) > 1:
                title += f"<br><span style='font-size:12px'>{_key(members, lang)}</span>"
        else:  # several runs: each panel shows only its headline series
            headline = members[0][2] if lang == "nl" else members[0][1]
            title = f"<b>{headline[0].upper() + headline[1:]}</b>"
        layout["annotations"].append({"text": title, "xref": "paper", "yref": "paper", "align": "left",
                                      "x": x0, "y": y1 + 0.02, "xanchor": "left", "yanchor": "bottom",
                                      "showarrow": False, "font": {"size": 15}})
    return layout


def event_shapes(event_days: Sequence[int]) -> list[dict]:
    """A dashed vertical line in every panel at each day a lever moved."""
    shapes = []
    for day in sorted(set(event_days)):
        for index in range(len(PANELS)):
            anchor = str(index + 1) if index else ""
            shapes.append({"type": "line", "xref": f"x{anchor}", "yref": f"y{anchor} domain", "x0": day, "x1": day,
                           "y0": 0, "y1": 1, "line": {"color": "#455a64", "width": 1.5, "dash": "dash"}})
    return shapes


def live_figure(series: Mapping[str, np.ndarray], event_days: Sequence[int], days: int, lang: str = "en",
                height: int = 520) -> dict:
    """One run: every series of every panel, coloured by series, lever moves marked."""
    series = derive(series)
    layout = _grid_layout(days, lang, height)
    layout["shapes"] = event_shapes(event_days)
    data = []
    for index, (_title, members) in enumerate(PANELS):
        anchor = str(index + 1) if index else ""
        for name, label_en, label_nl in members:
            values = series.get(name, np.zeros(0))
            data.append({"type": "scatter", "mode": "lines",
                         "name": label_nl if lang == "nl" else label_en,
                         "x": np.arange(len(values)), "y": values, "xaxis": f"x{anchor}", "yaxis": f"y{anchor}",
                         "line": {"color": SERIES_COLOURS.get(name, "#455a64"), "width": 2.5 if name == members[0][0]
                                  else 1.8}, "hovertemplate": "%{y:.3~s}"})
    return {"data": data, "layout": layout}


def runs_figure(runs: Sequence[tuple[str, Mapping[str, np.ndarray]]], event_days: Sequence[int], days: int,
                lang: str = "en", height: int = 520) -> dict:
    """Several runs overlaid (compare, stories): the headline series of each panel, coloured by run."""
    layout = _grid_layout(days, lang, height, keys=False)
    layout["shapes"] = event_shapes(event_days)
    data = []
    for run_index, (label, raw) in enumerate(runs):
        series = derive(raw)
        colour = RUN_COLOURS[run_index % len(RUN_COLOURS)]
        for index, (_title, members) in enumerate(PANELS):
            anchor = str(index + 1) if index else ""
            name = members[0][0]
            values = series.get(name, np.zeros(0))
            data.append({"type": "scatter", "mode": "lines", "name": label, "legendgroup": label,
                         "x": np.arange(len(values)), "y": values,
                         "xaxis": f"x{anchor}", "yaxis": f"y{anchor}", "line": {"color": colour, "width": 2.5},
                         "hovertemplate": "%{y:.3~s}"})
    return {"data": data, "layout": layout}


def heatmap_figure(pressures: Sequence[float], appreciations: Sequence[float], values: np.ndarray, title: str,
                   current: tuple[float, float], current_label: str, colour_scale: str = "RdYlGn",
                   height: int = 560) -> dict:
    """The landscape: rows = appreciation, columns = pressure, the current policy marked by a cross."""
    text_values = [[("" if np.isnan(v) else f"{v:.3g}") for v in row] for row in values]
    return {"data": [
        {"type": "heatmap", "x": list(pressures), "y": list(appreciations),
         "z": [[None if np.isnan(v) else float(v) for v in row] for row in values],  # JSON has no NaN
         "colorscale": colour_scale, "text": text_values, "texttemplate": "%{text}", "textfont": {"size": 13},
         "colorbar": {"title": {"text": title}}, "hovertemplate": "pressure %{x}<br>appreciation %{y}<br>%{z:.3f}"
                                                                 "<extra></extra>"},
        {"type": "scatter", "mode": "markers+text", "x": [current[0]], "y": [current[1]], "text": [current_label],
         "textposition": "top center", "textfont": {"size": 14, "color": "#000000"},
         "marker": {"symbol": "x-thin", "size": 26, "line": {"width": 4, "color": "#000000"}},
         "hoverinfo": "skip"}],
        "layout": {"height": height, "width": WIDTH, "font": FONT, "margin": {"l": 70, "r": 20, "t": 20, "b": 60},
                   "xaxis": {"title": {"text": "werkdruk / pressure"}, "tickvals": list(pressures)},
                   "yaxis": {"title": {"text": "waardering / appreciation"}, "tickvals": list(appreciations)},
                   "showlegend": False, "plot_bgcolor": "#ffffff"}}


def runs_legend_html(labels: Sequence[str]) -> str:
    """The colour of each run, as one HTML line above a several-runs chart (escaped labels)."""
    from html import escape

    return "".join(f'<span style="margin-right:22px"><span style="color:{RUN_COLOURS[i % len(RUN_COLOURS)]};'
                   f'font-size:22px">■</span> {escape(label)}</span>' for i, label in enumerate(labels))
