"""The Live view: levers, run controls, KPI cards, the chain, the charts and the organisation."""

from __future__ import annotations

import time
from typing import Callable

import solara

from .chain import chain_svg
from .export import daily_csv, safe_filename
from .figures import RAW_COLUMNS, live_figure
from .i18n import lever_help, lever_name, text
from .levers import MAIN_LEVERS, MORE_LEVERS, ORGANISATION_SIZES, lever_spec, presets
from .organisation import organisation_svg
from .session import LiveSession, chain_values
from .widgets import KpiCards, LiveChart, Svg

SPEEDS = (10, 30, 60, 120, 240)
FRAMES_PER_SECOND = 5


@solara.component
def Lever(session: LiveSession, path: str, value: float, lang: str, on_change: Callable[[], None],
          main: bool = False):
    """One slider, bounds from sim.config metadata, its one-line help beneath."""
    spec = lever_spec(path)

    def set_value(new):
        session.set_lever(path, new)
        on_change()

    with solara.Div(classes=["lever-main" if main else "lever"]):
        label = f"{lever_name(path, lang)}: {value:g}"
        if spec.integer:
            solara.SliderInt(label, value=int(value), min=int(spec.low), max=int(spec.high),
                             step=int(spec.step), on_value=set_value)
        else:
            solara.SliderFloat(label, value=float(value), min=spec.low, max=spec.high,
                               step=spec.step, on_value=set_value)
        solara.HTML(tag="div", unsafe_innerHTML=lever_help(path, lang).replace("<", "&lt;"), classes=["lever-help"])


@solara.component
def LeverPanel(session: LiveSession, lang: str, on_change: Callable[[], None], frame: int):
    """Pressure and appreciation up front; the rest under 'more levers'; preset, size and seed."""
    settings = session.settings
    values = session.levers()

    def set_preset(name):
        session.apply_preset(name)
        on_change()

    def set_size(name):
        session.reset(type(settings)(organisation=name, preset=settings.preset, seed=settings.seed,
                                     days=settings.days, levers=settings.levers))
        on_change()

    def set_seed(value):
        session.reset(type(settings)(organisation=settings.organisation, preset=settings.preset,
                                     seed=max(0, int(value)), days=settings.days, levers=settings.levers))
        on_change()

    solara.HTML(tag="div", unsafe_innerHTML=text("levers", lang), classes=["section-title"])
    solara.Select(text("preset", lang), value=settings.preset, values=presets(), on_value=set_preset,
                  classes=["preset-select"])
    for path in MAIN_LEVERS:
        Lever(session, path, values[path], lang, on_change, main=True)
    with solara.Details(text("more_levers", lang)):
        for path in MORE_LEVERS:
            Lever(session, path, values[path], lang, on_change)
    labels = {text(f"org.{size}", lang): size for size in ORGANISATION_SIZES}
    current = next(label for label, size in labels.items() if size == settings.organisation)
    solara.Select(text("organisation", lang), value=current, values=list(labels),
                  on_value=lambda label: set_size(labels[label]), classes=["org-select"])
    solara.InputInt(text("seed", lang), value=settings.seed, on_value=set_seed, continuous_update=False)


@solara.component
def RunControls(session: LiveSession, lang: str, playing: solara.Reactive[bool], speed: solara.Reactive[int],
                on_change: Callable[[], None], day: int):
    def step(days: int):
        session.step(days)
        on_change()

    def reset():
        playing.set(False)
        session.reset()
        on_change()

    with solara.Div(classes=["run-bar"]):
        if playing.value:
            solara.Button(text("pause", lang), icon_name="mdi-pause", color="warning",
                          on_click=lambda: playing.set(False), classes=["btn-pause"])
        else:
            solara.Button(text("play", lang), icon_name="mdi-play", color="primary", disabled=session.finished,
                          on_click=lambda: playing.set(True), classes=["btn-play"])
        solara.Button(text("step_day", lang), icon_name="mdi-skip-next", on_click=lambda: step(1), outlined=True,
                      disabled=session.finished, classes=["btn-day"])
        solara.Button(text("step_week", lang), icon_name="mdi-fast-forward", on_click=lambda: step(7), outlined=True,
                      disabled=session.finished, classes=["btn-week"])
        solara.Button(text("to_end", lang), icon_name="mdi-skip-forward", on_click=lambda: step(session.days),
                      outlined=True, disabled=session.finished, classes=["btn-end"])
        solara.Button(text("reset", lang), icon_name="mdi-restore", on_click=reset, outlined=True,
                      classes=["btn-reset"])
        with solara.Div(style={"width": "150px", "margin-left": "8px"}):
            solara.Select(text("speed", lang), value=speed, values=list(SPEEDS), classes=["speed-select"])
        solara.HTML(tag="span", unsafe_innerHTML=f'{text("day", lang)} <span class="day-value">{day}</span> '
                                                 f'{text("of", lang)} {session.days}', classes=["day-counter"])


def play_loop(session: LiveSession, playing: solara.Reactive[bool], speed: int, frame: solara.Reactive[int],
              cancel) -> None:
    """Keep `speed` simulated days per second, re-rendering up to FRAMES_PER_SECOND times a second.

    Days owed are counted from the clock, so a slow render means bigger steps, not a slower run.
    """
    interval = 1.0 / FRAMES_PER_SECOND
    carry, last = 0.0, time.perf_counter()
    while playing.value and not cancel.is_set() and not session.closed:
        now = time.perf_counter()
        carry += speed * min(now - last, 1.5 * interval)  # an overloaded server slows down, it does not pile up
        last = now
        days, carry = int(carry), carry - int(carry)
        session.step(days)
        if session.closed:
            return
        frame.set(frame.value + 1)
        if session.finished:
            playing.set(False)
            return
        cancel.wait(max(0.0, interval - (time.perf_counter() - now)))


@solara.component
def LiveView(session: LiveSession, lang: str, playing: solara.Reactive[bool], speed: solara.Reactive[int],
             frame: int, on_change: Callable[[], None]):
    RunControls(session, lang, playing, speed, on_change, session.day)
    KpiCards(session.kpis(), lang)
    now, start = chain_values(session)
    solara.HTML(tag="div", unsafe_innerHTML=text("chain.title", lang), classes=["section-title"])
    Svg(chain_svg(now, start, lang), classes=("chain-diagram",))
    figure = live_figure(session.series(*RAW_COLUMNS), session.event_days(), session.days, lang)
    LiveChart(figure, filename=safe_filename(f"dashboard-day{session.day}", "png")[:-4])
    solara.HTML(tag="div", unsafe_innerHTML=text("org.title", lang), classes=["section-title"])
    organisation = organisation_svg(session.staff_snapshot(), session.team_snapshot(), lang)
    Svg(organisation, classes=("org-picture",))
    solara.HTML(tag="div", unsafe_innerHTML=text("org.legend", lang), classes=["hint"])
    settings = session.settings
    with solara.Row(style={"align-items": "center", "margin": "8px 0"}):
        solara.FileDownload(
            lambda: daily_csv(session.model.recorder.daily, session.model.recorder.rows,
                              header={"organisation": settings.organisation, "preset": settings.preset,
                                      "seed": settings.seed, "events": session.events}),
            filename=safe_filename(
                f"run-{settings.organisation}-{settings.preset}-seed{settings.seed}-day{session.day}", "csv"),
            label=text("export_csv", lang), mime_type="text/csv")
        solara.FileDownload(lambda: chain_svg(now, start, lang).encode(), filename=safe_filename("chain", "svg"),
                            label=f'{text("chain.title", lang).split(":")[0]} (SVG)', mime_type="image/svg+xml")
        solara.FileDownload(organisation.encode(), filename=safe_filename(f"organisation-day{session.day}", "svg"),
                            label=f'{text("org.team", lang)}s (SVG)', mime_type="image/svg+xml")
        solara.HTML(tag="span", unsafe_innerHTML=text("export_hint", lang), classes=["hint"])
