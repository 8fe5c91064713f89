"""The dashboard's logic without a browser: sessions, levers as events, KPIs, pictures, caches, safety."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from dashboards import landscape
from dashboards.app import SessionLimit
from dashboards.chain import chain_svg
from dashboards.compare import compare
from dashboards.export import daily_csv, safe_filename
from dashboards.i18n import LEVER_NAMES, TEXTS, lever_help, text
from dashboards.kpis import KPIS, format_value, kpi_values
from dashboards.levers import ALL_LEVERS, base_config, lever_spec, presets, with_levers
from dashboards.organisation import organisation_svg
from dashboards.serve import is_loopback, parse, server_environment
from dashboards.session import LiveSession, Settings, chain_values
from dashboards.stories import StorySession, load_story, story_names
from sim import simulate
from sim.config import ConfigError, param_info

SMALL = Settings(organisation="small", days=40, seed=3)


@pytest.fixture(scope="module")
def tiny_config():
    """A very small firm for runs that only need to be real, not large."""
    config = base_config("small", "baseline", 40)
    return config.with_path("market.customers_per_team", 150)


def test_levers_moved_mid_run_become_events_that_simulate_reproduces():
    session = LiveSession(SMALL)
    session.set_lever("policy.appreciation", 0.9)  # before day 1: part of the start
    session.step(7)
    session.set_lever("policy.pressure", 0.85)
    session.set_lever("policy.pressure", 0.8)  # moved twice on one day: one event, the last value
    session.step(5)
    session.apply_preset("veneer")
    session.step(100)  # stops at the end
    assert session.day == 40 and session.finished
    assert [e.day for e in session.events] == [7, 12]
    assert session.events[0].set == {"policy.pressure": 0.8}
    assert session.start_config.policy.appreciation == 0.9
    result = simulate(session.replay_config(), SMALL.seed)
    shown = session.series("customers", "loyalty", "profit", "engagement")
    for name, values in shown.items():
        np.testing.assert_array_equal(values, result.daily[name].to_numpy(), err_msg=name)
    expected = kpi_values({k: result.daily[k].to_numpy() for k in result.daily}, session.model.recorder.start, 40)
    assert session.kpis() == expected


def test_bad_lever_values_are_refused_with_the_field_and_range():
    session = LiveSession(SMALL)
    session.step(1)
    with pytest.raises(ConfigError, match=r"policy.pressure = 1.5 is out of range"):
        session.set_lever("policy.pressure", 1.5)
    with pytest.raises(ConfigError, match="not a dashboard lever"):
        session.set_lever("behaviour.loss_aversion", 2.0)
    with pytest.raises(ConfigError, match="organisation = 'huge'"):
        LiveSession(dataclasses.replace(SMALL, organisation="huge"))
    with pytest.raises(ConfigError, match="preset = '../secrets'"):
        LiveSession(dataclasses.replace(SMALL, preset="../secrets"))


def test_slider_bounds_and_help_come_from_the_config_metadata():
    for path in ALL_LEVERS:
        spec, info = lever_spec(path), param_info(path)
        assert (spec.low, spec.high) == tuple(float(v) for v in info["range"])
        assert lever_help(path, "en").startswith(info["help"])
        assert path in LEVER_NAMES and lever_help(path, "nl") != lever_help(path, "en")
    assert presets()[0] == "baseline" and "high_pressure" in presets()


def test_every_text_has_english_and_dutch_and_every_kpi_is_explained():
    for key, entry in TEXTS.items():
        assert entry.get("en") and entry.get("nl"), key
    for name in KPIS:
        assert text(f"kpi.{name}.help", "nl") != f"kpi.{name}.help"
    assert text("landscape.progress", "nl", done=3, total=9) == "3 van 9 runs"


def test_kpis_before_the_first_day_show_the_start_and_format_readably():
    session = LiveSession(SMALL)
    cards = session.kpis()
    assert cards["customers"].value == session.model.recorder.start["customers"]
    assert cards["customers"].change == 0
    assert format_value("customers", 12345.0) == "12,345"
    assert format_value("burnout_share", 0.125) == "12.5%"
    assert format_value("burnout_share", 0.01, signed=True) == "+1.0 pt"
    assert format_value("profit", float("nan")) == "–"


def test_chain_and_organisation_pictures_show_the_current_values():
    session = LiveSession(SMALL)
    session.step(10)
    now, start = chain_values(session)
    svg = chain_svg(now, start, "nl")
    assert svg.startswith("<svg") and "Medewerkers" in svg and f"{now['loyalty']:.2f}" in svg
    picture = organisation_svg(session.staff_snapshot(), session.team_snapshot(), "en")
    assert picture.count("<circle") == len(session.staff_snapshot()["unit"])
    assert "Team 4" in picture and "Back office" in picture


def test_export_csv_and_file_names_are_safe():
    session = LiveSession(SMALL)
    session.step(5)
    data = daily_csv(session.model.recorder.daily, session.model.recorder.rows, {"seed": 3})
    lines = data.decode().splitlines()
    assert lines[0] == "# seed: 3" and lines[1].startswith("day,customers") and len(lines) == 2 + 5
    assert safe_filename("../../etc/passwd", "csv") == "etc_passwd.csv"
    assert safe_filename("<script>", ".c/s\\v") == "script.csv"
    assert safe_filename("", "") == "export.dat"


def test_landscape_is_computed_once_cached_on_disk_and_marked(tiny_config, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(landscape, "LANDSCAPE_DAYS", 20)
    monkeypatch.setattr(landscape, "REDUCED", {"organisation.teams": 2, "organisation.employees_per_team": 4,
                                               "market.customers_per_team": 60})
    grid = (0.0, 1.0)
    seen = []
    result = landscape.compute(tiny_config, 1, grid, on_progress=lambda ls: seen.append(ls.done))
    assert seen == [1, 2, 3, 4] and result.finished and not result.error
    matrix = result.matrix("loyalty")
    assert matrix.shape == (2, 2) and np.isfinite(matrix).all()
    cell = landscape.cells(tiny_config, grid)[1][2]
    assert (cell.policy.pressure, cell.policy.appreciation) == (1.0, 0.0)
    assert matrix[0, 1] == simulate(cell, 1).summary["loyalty_end"]
    assert list(tmp_path.glob("landscape-*.json"))
    landscape._MEMORY.clear()
    again = landscape.lookup(tiny_config, 1, grid)  # from disk
    assert again is not None and again.summaries == result.summaries
    assert landscape.lookup(tiny_config, 2, grid) is None


def test_landscape_grid_size_is_validated(monkeypatch):
    monkeypatch.setenv("DASHBOARD_LANDSCAPE_POINTS", "50")
    with pytest.raises(ValueError, match=r"DASHBOARD_LANDSCAPE_POINTS = '50' is not allowed"):
        landscape.grid_from_env()


def test_compare_uses_one_seed_and_reports_b_minus_a(tiny_config):
    b = with_levers(tiny_config, {"policy.pressure": 0.9})
    comparison = compare(tiny_config, b, seed=5)
    assert comparison.a.seed == comparison.b.seed == 5
    diff = comparison.differences()
    assert diff["loyalty"].value == comparison.b.summary["loyalty_end"]
    assert diff["loyalty"].change == pytest.approx(comparison.b.summary["loyalty_end"]
                                                   - comparison.a.summary["loyalty_end"])


def test_stories_load_every_experiment_and_show_captions_when_their_day_comes():
    names = story_names()
    assert "pressure_paradox" in names
    for name in names:
        story = load_story(name)
        assert len(story.scenarios) >= 2 and story.title["nl"]
    story = load_story("pressure_paradox")
    assert story.caption(89, "en") == "" and "targets" in story.caption(90, "en").lower()
    assert story.caption(200, "nl") == dict(story.captions)[140]["nl"]
    short = dataclasses.replace(story, days=5, scenarios=tuple(
        dataclasses.replace(s, config=dataclasses.replace(s.config, days=5, events=()).with_path(
            "organisation.teams", 2).with_path("market.customers_per_team", 50)) for s in story.scenarios))
    session = StorySession(short, seed=0)
    assert session.step(10) == 5 and session.finished
    assert [name for name, _ in session.series("loyalty")] == ["baseline", "targets_up"]
    with pytest.raises(ConfigError, match="story = 'nope'"):
        load_story("nope")


def test_session_limit_refuses_tabs_beyond_the_limit_and_frees_on_close():
    limit = SessionLimit(2)
    assert limit.acquire() and limit.acquire() and not limit.acquire()
    limit.release()
    assert limit.acquire()


def test_server_binds_loopback_by_default_and_validates_its_arguments(capsys):
    args = parse([])
    assert args.host == "127.0.0.1" and is_loopback(args.host) and not is_loopback("0.0.0.0")
    env = server_environment(20, 2)
    assert env["DASHBOARD_MAX_SESSIONS"] == "20" and env["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1")
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    with pytest.raises(SystemExit):
        parse(["--port", "70000"])
    assert "--port = 70000 is out of range" in capsys.readouterr().err


def test_offline_assets_lists_what_is_missing_and_check_passes_when_installed(tmp_path):
    from dashboards import offline_assets

    assert offline_assets.missing(root=tmp_path) == list(offline_assets.PACKAGES)
    assert offline_assets.missing() == []  # make test installed them into Solara's cache
    assert offline_assets.main(["--check"]) == 0


def test_a_partly_computed_landscape_sends_no_nan_to_the_browser():
    import json

    from dashboards.figures import heatmap_figure

    values = np.array([[0.5, np.nan], [np.nan, 0.7]])
    spec = heatmap_figure((0.0, 1.0), (0.0, 1.0), values, "loyalty", (0.4, 0.5), "now")
    z = spec["data"][0]["z"]
    assert z == [[0.5, None], [None, 0.7]]
    json.dumps(z, allow_nan=False)  # the widget protocol is strict JSON
