"""The Landscape, Compare and Stories views."""

from __future__ import annotations

import time
from html import escape

import solara

from . import landscape as landscape_mod
from .compare import Comparison, compare
from .figures import RAW_COLUMNS, heatmap_figure, runs_figure, runs_legend_html
from .i18n import lever_name, text
from .levers import ALL_LEVERS, base_config, lever_spec, lever_values, presets, with_levers
from .session import LiveSession
from .stories import StorySession, load_story, story_names
from .ui_live import FRAMES_PER_SECOND
from .widgets import KpiCards, LiveChart


@solara.component
def LandscapeView(session: LiveSession, lang: str):
    """Heatmap of a two-year outcome over pressure x appreciation, computed on demand in the background."""
    metric = solara.use_reactive("loyalty")
    requested = solara.use_reactive(False)
    progress = solara.use_reactive(0)
    config, seed = session.start_config, session.settings.seed
    levers = session.levers()
    config = with_levers(config, {p: levers[p] for p in ALL_LEVERS if p not in ("policy.pressure",
                                                                                 "policy.appreciation")})
    found = landscape_mod.lookup(config, seed)

    def work(cancel):
        if not requested.value:
            return None
        result = landscape_mod.compute(config, seed, on_progress=lambda ls: progress.set(ls.done))
        requested.set(False)
        return result

    solara.use_thread(work, dependencies=[requested.value, landscape_mod.key_of(config, seed)],
                      intrusive_cancel=False)
    solara.HTML(tag="div", unsafe_innerHTML=text("landscape.title", lang), classes=["section-title"])
    solara.HTML(tag="div", classes=["hint"], unsafe_innerHTML=text(
        "landscape.explain", lang, teams=landscape_mod.REDUCED["organisation.teams"],
        customers=landscape_mod.REDUCED["market.customers_per_team"]))
    total = len(landscape_mod.GRID) ** 2
    with solara.Row(style={"align-items": "center"}):
        solara.ToggleButtonsSingle(value=metric, values=list(landscape_mod.METRICS))
        solara.Button(text("landscape.compute", lang), icon_name="mdi-grid", color="primary",
                      on_click=lambda: requested.set(True), disabled=requested.value or (found is not None
                                                                                         and found.finished),
                      classes=["btn-landscape"])
    if requested.value or (found is not None and not found.finished):
        done = found.done if found is not None else progress.value
        solara.ProgressLinear(value=100.0 * done / total, color="primary")
        solara.Text(text("landscape.progress", lang, done=done, total=total), classes=["landscape-progress"])
    if found is not None and found.error:
        solara.Error(found.error)
    if found is not None and found.done:
        column, scale = landscape_mod.METRICS[metric.value]
        spec = heatmap_figure(landscape_mod.GRID, landscape_mod.GRID, found.matrix(metric.value),
                              metric.value, (levers["policy.pressure"], levers["policy.appreciation"]),
                              text("landscape.current", lang), scale)
        LiveChart(spec, filename=f"landscape-{metric.value}")


@solara.component
def CompareView(session: LiveSession, lang: str):
    """A = the live levers from day 0, B = a preset with its own pressure and appreciation; same seed."""
    preset_b = solara.use_reactive("high_pressure")
    pressure_b = solara.use_reactive(float(base_config(session.settings.organisation, "high_pressure")
                                           .policy.pressure))
    appreciation_b = solara.use_reactive(float(base_config(session.settings.organisation, "high_pressure")
                                               .policy.appreciation))
    run = solara.use_reactive(0)
    settings = session.settings
    config_a = with_levers(session.start_config, {p: v for p, v in session.levers().items()})

    def pick(name):
        preset_b.set(name)
        policy = base_config(settings.organisation, name, settings.days).policy
        pressure_b.set(float(policy.pressure))
        appreciation_b.set(float(policy.appreciation))

    def work(cancel):
        if not run.value:
            return None
        config_b = with_levers(base_config(settings.organisation, preset_b.value, settings.days),
                               {"policy.pressure": pressure_b.value, "policy.appreciation": appreciation_b.value})
        return compare(config_a, config_b, settings.seed)

    result = solara.use_thread(work, dependencies=[run.value], intrusive_cancel=False)
    with solara.Row(style={"gap": "24px", "align-items": "flex-start"}):
        with solara.Column(style={"flex": "1"}):
            solara.HTML(tag="div", unsafe_innerHTML=text("compare.a", lang), classes=["section-title"])
            solara.HTML(tag="div", classes=["hint"], unsafe_innerHTML=", ".join(
                f"{lever_name(p, lang)} {v:g}" for p, v in lever_values(config_a).items()))
        with solara.Column(style={"flex": "1"}):
            solara.HTML(tag="div", unsafe_innerHTML=text("compare.b", lang), classes=["section-title"])
            solara.Select(text("preset", lang), value=preset_b.value, values=presets(), on_value=pick)
            with solara.Div(classes=["lever-main"]):
                for path, value in (("policy.pressure", pressure_b), ("policy.appreciation", appreciation_b)):
                    spec = lever_spec(path)
                    solara.SliderFloat(f"{lever_name(path, lang)}: {value.value:g}", value=value, min=spec.low,
                                       max=spec.high, step=0.05)
    solara.HTML(tag="div", classes=["hint"], unsafe_innerHTML=text("compare.same_seed", lang, seed=settings.seed))
    solara.Button(text("compare.run", lang), icon_name="mdi-compare", color="primary",
                  on_click=lambda: run.set(run.value + 1), classes=["btn-compare"])
    if result.state == solara.ResultState.RUNNING:
        solara.ProgressLinear(True)
        solara.Text(text("busy", lang))
    comparison: Comparison | None = result.value
    if isinstance(comparison, Comparison):
        solara.HTML(tag="div", unsafe_innerHTML=text("compare.diff", lang), classes=["section-title"])
        KpiCards(comparison.differences(), lang, change_label=text("compare.vs_a", lang))
        runs = [("A", {c: comparison.a.daily[c].to_numpy() for c in RAW_COLUMNS}),
                ("B", {c: comparison.b.daily[c].to_numpy() for c in RAW_COLUMNS})]
        solara.HTML(tag="div", unsafe_innerHTML=runs_legend_html(["A", "B"]), classes=["runs-legend"])
        LiveChart(runs_figure(runs, [], comparison.a.config.days, lang), filename="compare")


@solara.component
def StoriesView(lang: str, seed: int):
    """Guided runs of the named experiments, captions appearing at the days that matter."""
    names = story_names()
    name = solara.use_reactive(names[0] if names else "")
    frame = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    story_session = solara.use_memo(lambda: StorySession(load_story(name.value), seed) if name.value else None,
                                    [name.value, seed])

    def loop(cancel):
        interval = 1.0 / FRAMES_PER_SECOND
        while playing.value and not cancel.is_set() and story_session is not None:
            started = time.perf_counter()
            story_session.step(12)
            frame.set(frame.value + 1)
            if story_session.finished:
                playing.set(False)
                return
            cancel.wait(max(0.0, interval - (time.perf_counter() - started)))

    solara.use_thread(loop, dependencies=[playing.value, story_session], intrusive_cancel=False)
    solara.use_effect(lambda: (story_session.close if story_session is not None else None), [story_session])
    titles = solara.use_memo(lambda: {(load_story(n).title.get(lang) or n): n for n in names}, [lang])
    if story_session is None:
        return
    story = story_session.story
    with solara.Row(style={"align-items": "center"}):
        current = next(t for t, n in titles.items() if n == name.value)
        solara.Select(text("stories.pick", lang), value=current, values=list(titles),
                      on_value=lambda t: (playing.set(False), name.set(titles[t])))
        if playing.value:
            solara.Button(text("pause", lang), icon_name="mdi-pause", on_click=lambda: playing.set(False))
        else:
            solara.Button(text("stories.play", lang), icon_name="mdi-play", color="primary",
                          on_click=lambda: playing.set(True), disabled=story_session.finished,
                          classes=["btn-story"])
        solara.HTML(tag="span", classes=["day-counter"],
                    unsafe_innerHTML=f'{text("day", lang)} {story_session.day} {text("of", lang)} {story.days}')
    solara.HTML(tag="div", classes=["hint"], unsafe_innerHTML=escape(story.summary.get(lang, "")))
    solara.HTML(tag="div", classes=["caption-banner"],
                unsafe_innerHTML=escape(story.caption(story_session.day - 1, lang)) if story_session.day else "")
    runs = [(s.label.get(lang) or s.name, series)
            for s, (_n, series) in zip(story.scenarios, story_session.series(*RAW_COLUMNS))]
    solara.HTML(tag="div", unsafe_innerHTML=runs_legend_html([label for label, _ in runs]), classes=["runs-legend"])
    LiveChart(runs_figure(runs, story.event_days(), story.days, lang), filename=f"story-{story.name}")
