"""`python -m experiments.compare`: experiment files compose, the report's numbers match the data, bad input
writes nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from experiments.compare import mean_ci, series_bands
from experiments.scenarios import EXPERIMENT_DIR, experiment_names, load_experiment, scenario_config
from sim.config import ConfigError

ROOT = Path(__file__).resolve().parent.parent
TINY = '["organisation=small","market.customers_per_team=150"]'
DASHBOARD_KEYS = {"name", "title", "summary", "days", "scenarios", "captions"}


def run_compare(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "experiments.compare", *args], cwd=cwd, capture_output=True,
                          text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)},
                          timeout=600)


@pytest.mark.parametrize("name", experiment_names())
def test_every_experiment_composes_into_valid_scenarios(name):
    raw = yaml.safe_load((EXPERIMENT_DIR / f"{name}.yaml").read_text())
    assert DASHBOARD_KEYS <= set(raw), f"{name} lacks keys the dashboard reads"
    for scenario in raw["scenarios"]:
        assert {"name", "label", "overrides", "events"} <= set(scenario)
        assert {"en", "nl"} <= set(scenario["label"])
    experiment = load_experiment(name)
    configs = [scenario_config(s, experiment.days) for s in experiment.scenarios]
    assert all(c.days == experiment.days for c in configs)
    for scenario, config in zip(experiment.scenarios, configs):
        assert config.events[len(config.events) - len(scenario.events):] == scenario.events
    # through Hydra, as the CLI composes it
    from hydra import compose, initialize_config_dir

    from experiments.compare import check_compare_config
    from sim.compose import CONFIG_DIR

    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose(config_name="compare", overrides=[f"experiment={name}"])
    composed, _ = check_compare_config(cfg)
    assert composed == experiment


def test_the_staff_cut_event_changes_staffing_on_its_day():
    experiment = load_experiment("staff_cut")
    cut = scenario_config(experiment.scenarios[1], 130, ["organisation=small", "market.customers_per_team=100"])
    import sim

    daily = sim.simulate(cut, 0).daily
    assert daily.loc[daily.day == 119, "layoffs"].sum() == 0
    assert daily.loc[daily.day >= 120, "layoffs"].sum() > 0


def test_mean_ci_is_the_t_interval():
    values = [0.2, 0.5, 0.4, 0.9, 0.3]
    mean, low, high = mean_ci(values)
    expected = stats.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=stats.sem(values))
    assert mean == pytest.approx(np.mean(values)) and (low, high) == pytest.approx(expected)
    assert np.isnan(mean_ci([1.0])[1])
    bands = series_bands(pd.DataFrame({"scenario": "a", "day": [0] * 5, "x": values}), ["x"])
    assert bands[["mean", "low", "high"]].iloc[0].tolist() == pytest.approx([mean, low, high])


class ValueCells(HTMLParser):
    """Collects (kpi, scenario, stat) -> data-value from the report's table."""

    def __init__(self):
        super().__init__()
        self.values: dict[tuple[str, str, str], float] = {}
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-value" in a:
            self.values[(a["data-kpi"], a["data-scenario"], a["data-stat"])] = float(a["data-value"])
        if tag == "img":
            self.images.append(a["src"])


@pytest.mark.slow
def test_a_tiny_comparison_end_to_end_matches_its_parquet_data(tmp_path):
    out = tmp_path / "cmp"
    done = run_compare("seeds=3", "days=40", f"common_overrides={TINY}", "workers=2", f"hydra.run.dir={out}",
                       cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "9 runs done, 0 failed" in done.stdout
    runs = pd.read_parquet(out / "runs.parquet")
    daily = pd.read_parquet(out / "daily.parquet")
    assert sorted(runs.scenario.unique()) == ["appreciation_first", "baseline", "high_pressure"]
    assert len(runs) == 9 and len(daily) == 9 * 40
    # the summary's end values are the last day of the daily series
    last = daily[daily.day == 39].set_index(["scenario", "seed"]).sort_index()
    assert np.allclose(runs.set_index(["scenario", "seed"]).sort_index()["loyalty_end"], last["loyalty"])

    cells = ValueCells()
    cells.feed((out / "report.html").read_text())
    base = runs[runs.scenario == "baseline"].set_index("seed")
    for kpi in ("loyalty_end", "profit_total", "cost_per_retained_customer", "exhaustion_end"):
        for scenario, rows in runs.groupby("scenario"):
            values = rows[kpi].to_numpy()
            low, high = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
            assert cells.values[(kpi, scenario, "mean")] == pytest.approx(values.mean(), rel=1e-12)
            assert cells.values[(kpi, scenario, "ci_low")] == pytest.approx(low, rel=1e-9)
            assert cells.values[(kpi, scenario, "ci_high")] == pytest.approx(high, rel=1e-9)
            if scenario != "baseline":
                paired = rows.set_index("seed")[kpi] - base[kpi]
                assert cells.values[(kpi, scenario, "diff")] == pytest.approx(paired.mean(), rel=1e-12)
                d_low, d_high = stats.t.interval(0.95, 2, loc=paired.mean(), scale=stats.sem(paired))
                assert (cells.values[(kpi, scenario, "diff_low")],
                        cells.values[(kpi, scenario, "diff_high")]) == pytest.approx((d_low, d_high), rel=1e-9)
    kpis = pd.read_csv(out / "kpis.csv")
    row = kpis[(kpis.kpi == "profit_total") & (kpis.scenario == "high_pressure")].iloc[0]
    assert row["diff"] == pytest.approx(cells.values[("profit_total", "high_pressure", "diff")])
    # self-contained: seven embedded plots, nothing fetched from elsewhere
    html = (out / "report.html").read_text()
    assert len(cells.images) == 7 and all(src.startswith("data:image/png;base64,") for src in cells.images)
    assert "http://" not in html and "https://" not in html
    assert "What the comparison shows" in html and "Cost per retained customer" in html
    assert sorted(p.name for p in (out / "plots").iterdir()) == sorted(
        f"{c}.png" for c in ("loyalty", "satisfaction", "customers", "engagement", "exhaustion",
                             "turnover_per_year_30d", "profit_cumulative"))
    chromium = shutil.which("chromium")
    if chromium:  # the report renders in a real browser, offline
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--dump-dom"]
        dom = subprocess.run([chromium, *flags, (out / "report.html").as_uri()], capture_output=True, text=True,
                             timeout=120)
        assert "Key figures at the end of the run" in dom.stdout and dom.stdout.count("<img") == 7


@pytest.mark.slow
def test_a_named_experiment_with_events_runs(tmp_path):
    out = tmp_path / "pp"
    done = run_compare("experiment=pressure_paradox", "seeds=2", "days=100", f"common_overrides={TINY}",
                       "workers=1", "progress=false", f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    daily = pd.read_parquet(out / "daily.parquet")
    # the event raises management pressure at day 90 in the second scenario only
    targets = daily[daily.scenario == "targets_up"]
    assert (targets[targets.day >= 90].management_pressure == 0.8).all()
    assert (targets[targets.day < 90].management_pressure == 0.4).all()
    assert (daily[daily.scenario == "baseline"].management_pressure == 0.4).all()
    assert "The pressure paradox" in (out / "report.html").read_text()


@pytest.mark.parametrize("bad, message", [
    ("experiment=no_such_experiment", "no_such_experiment"),
    ("seeds=1", "seeds"),
    ('scenarios=[baseline,"high_pressure policy.pressure=1.5"]', "policy.pressure = 1.5"),
    ("scenarios=[baseline,no_such_preset]", "no_such_preset"),
    ("days=0", "days"),
])
def test_bad_input_exits_non_zero_and_writes_nothing(tmp_path, bad, message):
    out = tmp_path / "never"
    done = run_compare(bad, f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() and not (tmp_path / "outputs").exists()


def test_an_experiment_file_with_a_bad_event_names_the_scenario(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"name": "bad", "days": 50, "scenarios": [
        {"name": "base", "overrides": ["policy=baseline"], "events": []},
        {"name": "late", "overrides": [], "events": [{"day": 80, "set": {"policy.pressure": 0.9}}]}]}))
    experiment = load_experiment(path)
    with pytest.raises(ConfigError, match=r"scenario 'late'.*events\[0\]\.day = 80"):
        scenario_config(experiment.scenarios[1], experiment.days)
