"""Small display components shared by the views: a chart that updates in place, SVG, KPI cards, styles."""

from __future__ import annotations

from html import escape
from typing import Mapping

import solara
from plotly.graph_objs import FigureWidget

from .i18n import text
from .kpis import KPIS, Kpi, format_value, is_good

PLOT_CONFIG = {"displaylogo": False, "responsive": True,
               "modeBarButtonsToRemove": ["lasso2d", "select2d"],
               "toImageButtonOptions": {"format": "png", "scale": 2}}

CSS = """
.dash-root { font-size: 16px; color: #263238; background: #ffffff; }
.dash-header { display: flex; align-items: center; gap: 16px; padding: 6px 16px; background: #1f3a5f; color: #fff; }
.dash-header h1 { font-size: 22px; font-weight: 600; margin: 0; flex: 1; color: #fff; }
.dash-side { width: 330px; min-width: 330px; padding: 10px 14px; border-right: 1px solid #e0e6ea;
             background: #fafbfc; }
.dash-main { flex: 1; min-width: 0; padding: 8px 16px; }
.dash-side .v-label, .dash-side label { font-size: 15px !important; color: #263238 !important; }
.lever-main .v-slider__thumb { width: 22px !important; height: 22px !important; left: -11px !important; }
.lever-main .v-slider__thumb:before { left: -7px !important; top: -7px !important; }
.lever-main .v-slider__track-container { height: 6px !important; }
.lever-main .v-label { font-size: 18px !important; font-weight: 600; }
.dash-side .v-input__slot { flex-wrap: wrap; }
.dash-side .v-input__slot > .v-label { width: 100%; margin-bottom: 2px; }
.dash-side .v-messages { display: none; }
.dash-side .v-input { margin-top: 2px; }
.lever-help { font-size: 13px; color: #546e7a; margin: 0 0 10px 0; line-height: 1.25; }
.lever-main .lever-help { font-size: 14px; }
.kpi-grid { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin: 6px 0; }
.kpi-card { border: 1px solid #dfe5ea; border-radius: 10px; padding: 6px 12px; background: #fff; }
.kpi-name { font-size: 14px; color: #455a64; font-weight: 600; }
.kpi-value { font-size: 26px; font-weight: 700; line-height: 1.15; color: #1f3a5f; }
.kpi-change { font-size: 14px; font-weight: 600; }
.kpi-good { color: #2e7d32; } .kpi-bad { color: #c62828; } .kpi-flat { color: #78909c; }
.kpi-help { font-size: 12px; color: #607d8b; line-height: 1.2; }
.run-bar { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
.run-bar .day-counter { font-size: 22px; font-weight: 700; color: #1f3a5f; margin-left: 12px; }
.section-title { font-size: 17px; font-weight: 700; color: #1f3a5f; margin: 10px 0 2px 0; }
.caption-banner { font-size: 22px; font-weight: 600; padding: 12px 18px; border-left: 6px solid #f9a825;
                  background: #fff8e1; margin: 8px 0; min-height: 56px; }
.runs-legend { font-size: 16px; font-weight: 600; margin: 8px 0 -6px 8px; }
.hint { font-size: 13px; color: #607d8b; }
.solara-autorouter-content, .v-application--wrap { background: #ffffff !important; }
footer, .solara-footer, .v-footer { display: none !important; }
"""


@solara.component
def Css():
    solara.Style(CSS)


@solara.component
def LiveChart(spec: dict, filename: str = "chart"):
    """A Plotly chart whose traces are updated in place (only arrays are sent) while the structure holds."""
    element = FigureWidget.element()

    def update():
        widget: FigureWidget = solara.get_widget(element)
        new_data = spec["data"]
        same = (len(widget.data) == len(new_data)
                and all(t.type == d["type"] and t.name == d.get("name") for t, d in zip(widget.data, new_data)))
        with widget.batch_update():
            if same:
                for trace, new in zip(widget.data, new_data):
                    for key in ("x", "y", "z", "text"):
                        if key in new:
                            trace[key] = new[key]
                widget.layout.shapes = spec["layout"].get("shapes", [])
                widget.layout.annotations = spec["layout"].get("annotations", [])
            else:
                widget._config = {**PLOT_CONFIG, "toImageButtonOptions": {**PLOT_CONFIG["toImageButtonOptions"],
                                                                          "filename": filename}}
                widget.data = ()
                widget.layout = spec["layout"]
                widget.add_traces(new_data)

    solara.use_effect(update, [spec])
    return element


@solara.component
def Svg(svg: str, classes: tuple[str, ...] = ()):
    solara.HTML(tag="div", unsafe_innerHTML=svg, classes=list(classes))


def kpi_cards_html(kpis: Mapping[str, Kpi], lang: str, change_label: str | None = None) -> str:
    """The eight cards as HTML (escaped text; data-kpi and data-value let tests read the numbers)."""
    cards = []
    for name in KPIS:
        kpi = kpis[name]
        good = is_good(name, kpi.change)
        tone = "kpi-flat" if good is None else ("kpi-good" if good else "kpi-bad")
        since = change_label or text("vs_month1" if name in ("turnover", "profit") else "vs_day0", lang)
        explanation = escape(text(f"kpi.{name}.help", lang))
        cards.append(
            f'<div class="kpi-card" data-kpi="{name}" data-value="{kpi.value!r}" title="{explanation}">'
            f'<div class="kpi-name">{escape(text(f"kpi.{name}", lang))}</div>'
            f'<div class="kpi-value">{escape(format_value(name, kpi.value))}</div>'
            f'<div class="kpi-change {tone}">{escape(format_value(name, kpi.change, signed=True))} '
            f'<span class="kpi-flat">{escape(since)}</span></div>'
            f'<div class="kpi-help">{explanation}</div></div>')
    return f'<div class="kpi-grid">{"".join(cards)}</div>'


@solara.component
def KpiCards(kpis: Mapping[str, Kpi], lang: str, change_label: str | None = None):
    solara.HTML(tag="div", unsafe_innerHTML=kpi_cards_html(kpis, lang, change_label))
