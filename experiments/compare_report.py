"""The comparison's files: data (parquet, CSV), plots, and one self-contained HTML report.

The HTML report embeds its plots as base64 PNG and its styles inline, so it opens
offline and can be sent on as one file. Every number in its table carries its full
value in a `data-value` attribute, so tests (and anyone) can check it against the data.
"""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402

from experiments.outputs import atomic_write, write_parquet, write_text  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from experiments.compare import Comparison

# KPIs the plain-language summary speaks about (the table shows them all)
HEADLINE_KPIS = ("loyalty_end", "satisfaction_end", "customers_end", "engagement_end", "exhaustion_end",
                 "turnover_per_year", "profit_total", "cost_per_retained_customer")


def show(fmt: str, value: float) -> str:
    return "n/a" if value is None or not math.isfinite(value) else fmt.format(value)


def show_diff(fmt: str, value: float) -> str:
    """A difference, always signed; differences of shares in percentage points."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if "%" in fmt:
        return f"{100 * value:+.1f} pp"
    return (fmt if "{:+" in fmt else fmt.replace("{:", "{:+", 1)).format(value)


def scenario_labels(comparison: "Comparison") -> dict[str, str]:
    return {s.name: s.label.get("en", s.name) for s in comparison.experiment.scenarios}


def findings(table: pd.DataFrame, comparison: "Comparison") -> list[str]:
    """Plain-language sentences: which scenario wins on which KPI, by how much against the baseline."""
    labels = scenario_labels(comparison)
    baseline = comparison.experiment.scenarios[0].name
    n = len(comparison.seeds)
    sentences = []
    for key in HEADLINE_KPIS:
        rows = table[table["kpi"] == key].dropna(subset=["mean"])
        if rows.empty or len(rows) < 2:
            continue
        label, fmt, better = rows.iloc[0][["label", "format", "better"]]
        ordered = rows.sort_values("mean", ascending=(better == "lower"))
        winner = ordered.iloc[0]
        # the contrast: the winner against the baseline, or, if the baseline wins, the runner-up against it
        other = winner if winner["scenario"] != baseline else ordered.iloc[1]
        diff, low, high = other["diff"], other["diff_low"], other["diff_high"]
        interval = f"95% CI {show_diff(fmt, low)} to {show_diff(fmt, high)}"
        clear = math.isfinite(low) and math.isfinite(high) and (low > 0 or high < 0)
        verdict = "" if clear else f" — the interval includes zero: no clear difference over {n} seeds"
        if winner["scenario"] == baseline:
            text = (f"{label}: the baseline ({labels[baseline]}) is best at {show(fmt, winner['mean'])}; "
                    f"the next best, {labels[other['scenario']]}, differs by {show_diff(fmt, diff)} "
                    f"({interval}){verdict}.")
        else:
            text = (f"{label}: {labels[winner['scenario']]} is best at {show(fmt, winner['mean'])}, "
                    f"{show_diff(fmt, diff)} against the baseline ({interval}){verdict}.")
        sentences.append(text)
    return sentences


def plot_series(bands: pd.DataFrame, column: str, title: str, comparison: "Comparison") -> bytes:
    """One time-series plot: the mean of each scenario over seeds with its 95% confidence band, as PNG bytes."""
    labels = scenario_labels(comparison)
    figure, axes = plt.subplots(figsize=(7.5, 3.2), dpi=110)
    for scenario in comparison.experiment.scenarios:
        rows = bands[(bands["series"] == column) & (bands["scenario"] == scenario.name)]
        line, = axes.plot(rows["day"], rows["mean"], label=labels[scenario.name], linewidth=1.6)
        axes.fill_between(rows["day"], rows["low"], rows["high"], color=line.get_color(), alpha=0.2, linewidth=0)
    event_days = sorted({e.day for s in comparison.experiment.scenarios for e in s.events})
    for day in event_days:
        axes.axvline(day, color="0.35", linestyle="--", linewidth=0.9)
    for number, caption in enumerate(comparison.experiment.captions, start=1):
        if caption["day"] >= comparison.experiment.days:
            continue
        axes.axvline(caption["day"], color="0.6", linestyle=":", linewidth=0.9)
        axes.annotate(str(number), (caption["day"], 1.0), xycoords=("data", "axes fraction"), fontsize=8,
                      ha="center", va="bottom", color="0.3")
    axes.set_title(title, fontsize=10, loc="left", pad=12)
    axes.set_xlabel("day")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, loc="best")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def _cell(key: str, scenario: str, stat: str, value: float, text: str) -> str:
    data = "" if not math.isfinite(value) else f' data-value="{value!r}"'
    return f'<span class="{stat}" data-kpi="{key}" data-scenario="{html.escape(scenario)}" data-stat="{stat}"{data}>' \
           f'{html.escape(text)}</span>'


def kpi_html(table: pd.DataFrame, comparison: "Comparison") -> str:
    """The KPI table: per scenario the mean [95% CI], and for the others the difference [paired 95% CI]."""
    labels = scenario_labels(comparison)
    baseline = comparison.experiment.scenarios[0].name
    head = "".join(f"<th>{html.escape(labels[s.name])}{' (baseline)' if s.name == baseline else ''}</th>"
                   for s in comparison.experiment.scenarios)
    body = []
    for key, rows in table.groupby("kpi", sort=False):
        label, fmt, better = rows.iloc[0][["label", "format", "better"]]
        cells = []
        for _, r in rows.iterrows():
            parts = [_cell(key, r["scenario"], "mean", r["mean"], show(fmt, r["mean"])),
                     _cell(key, r["scenario"], "ci_low", r["ci_low"], show(fmt, r["ci_low"])),
                     _cell(key, r["scenario"], "ci_high", r["ci_high"], show(fmt, r["ci_high"]))]
            text = f'{parts[0]}<br><small>[{parts[1]} – {parts[2]}]</small>'
            if r["scenario"] != baseline:
                diff, low, high = (_cell(key, r["scenario"], stat, r[stat], show_diff(fmt, r[stat]))
                                   for stat in ("diff", "diff_low", "diff_high"))
                text += f'<br><small>vs baseline {diff} [{low} – {high}]</small>'
            cells.append(f"<td>{text}</td>")
        arrow = "higher is better" if better == "higher" else "lower is better"
        body.append(f'<tr><th scope="row">{html.escape(label)}<br><small>{arrow}</small></th>{"".join(cells)}</tr>')
    return f'<table><thead><tr><th>KPI (end of run)</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.9em} th,td{border:1px solid #ddd;padding:.35em .5em;
vertical-align:top;text-align:right} th[scope=row]{text-align:left;font-weight:600} thead th{background:#f4f4f4}
small{color:#555} .meta{color:#555;font-size:.9em} img{max-width:100%;display:block;margin:.6em 0}
li{margin:.3em 0} code{background:#f4f4f4;padding:0 .2em}
"""


def report_html(comparison: "Comparison", table: pd.DataFrame, plots: dict[str, bytes], titles: dict[str, str]) -> str:
    """The whole report as one HTML document with everything embedded."""
    exp = comparison.experiment
    labels = scenario_labels(comparison)
    e = html.escape
    scenario_items = []
    for s in exp.scenarios:
        events = "; ".join(f"day {ev.day}: " + ", ".join(f"{k} = {v}" for k, v in ev.set.items()) for ev in s.events)
        scenario_items.append(f"<li><b>{e(labels[s.name])}</b> — overrides <code>{e(' '.join(s.overrides) or 'none')}"
                              f"</code>{'; events ' + e(events) if events else ''}</li>")
    captions = "".join(f"<li>({i}) day {c['day']}: {e(str(c.get('en', '')))}</li>"
                       for i, c in enumerate(exp.captions, start=1))
    images = "".join(f'<img alt="{e(titles[name])}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
                     for name, png in plots.items())
    failures = "".join(f"<li>{e(f['scenario'])}, seed {f['seed']}: {e(f['error'].splitlines()[0])}</li>"
                       for f in comparison.failures)
    common = " ".join(comparison.common_overrides) or "none"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(exp.title.get('en', exp.name))}</title>
<style>{STYLE}</style></head><body>
<h1>{e(exp.title.get('en', exp.name))}</h1>
<p>{e(exp.summary.get('en', ''))}</p>
<p class="meta">{len(exp.scenarios)} scenarios × {len(comparison.seeds)} seeds (seeds {comparison.seeds[0]}–
{comparison.seeds[-1]}, the same for every scenario) over {exp.days} days; {len(comparison.runs)} runs done,
{len(comparison.failures)} failed, {comparison.seconds:.1f} s. Settings applied to every scenario:
<code>{e(common)}</code>. Intervals are 95% confidence intervals of the mean over seeds; differences from the
baseline are paired by seed.</p>
<h2>What the comparison shows</h2><ul>{"".join(f"<li>{e(t)}</li>" for t in findings(table, comparison))}</ul>
<h2>Key figures at the end of the run</h2>{kpi_html(table, comparison)}
<h2>Over time</h2><p class="meta">Lines are means over seeds, bands their 95% confidence intervals; dashed lines
mark events, dotted numbered lines the story below.</p>{images}
{f"<h2>The story</h2><ol style='list-style:none;padding-left:0'>{captions}</ol>" if captions else ""}
<h2>Scenarios</h2><ul>{"".join(scenario_items)}</ul>
{f"<h2>Failed runs</h2><ul>{failures}</ul>" if failures else ""}
<p class="meta">Data beside this report: runs.parquet (one row per scenario and seed), daily.parquet (one row per
scenario, seed and day), kpis.csv (this table).</p>
</body></html>
"""


def report_markdown(comparison: "Comparison", table: pd.DataFrame, titles: dict[str, str]) -> str:
    """The same report in Markdown, with the plots as files beside it."""
    exp = comparison.experiment
    labels = scenario_labels(comparison)
    baseline = exp.scenarios[0].name
    lines = [f"# {exp.title.get('en', exp.name)}", "", exp.summary.get("en", ""), "",
             f"{len(exp.scenarios)} scenarios x {len(comparison.seeds)} seeds over {exp.days} days; "
             f"{len(comparison.runs)} runs done, {len(comparison.failures)} failed. 95% confidence intervals; "
             "differences from the baseline paired by seed.", "", "## What the comparison shows", ""]
    lines += [f"- {t}" for t in findings(table, comparison)]
    lines += ["", "## Key figures at the end of the run", "",
              "| KPI | " + " | ".join(labels[s.name] for s in exp.scenarios) + " |",
              "|---|" + "---:|" * len(exp.scenarios)]
    for key, rows in table.groupby("kpi", sort=False):
        fmt = rows.iloc[0]["format"]
        cells = []
        for _, r in rows.iterrows():
            cell = f"{show(fmt, r['mean'])} [{show(fmt, r['ci_low'])} – {show(fmt, r['ci_high'])}]"
            if r["scenario"] != baseline:
                cell += f"; vs baseline {show_diff(fmt, r['diff'])} [{show_diff(fmt, r['diff_low'])} – " \
                        f"{show_diff(fmt, r['diff_high'])}]"
            cells.append(cell)
        lines.append(f"| {rows.iloc[0]['label']} | " + " | ".join(cells) + " |")
    lines += ["", "## Over time", ""] + [f"![{titles[name]}](plots/{name}.png)" for name in titles]
    return "\n".join(lines) + "\n"


def write_comparison(comparison: "Comparison", table: pd.DataFrame, out_dir: Path) -> None:
    """Write data, plots and reports, each file atomically; report.html last (its presence marks completion)."""
    from experiments.compare import SERIES, series_bands

    out_dir = Path(out_dir)
    meta = {"experiment": comparison.experiment.name, "seeds": comparison.seeds,
            "common_overrides": comparison.common_overrides}
    write_parquet(out_dir / "runs.parquet", comparison.runs, metadata=meta)
    write_parquet(out_dir / "daily.parquet", comparison.daily, metadata=meta)
    write_text(out_dir / "kpis.csv", table.drop(columns=["format"]).to_csv(index=False))
    spec = {"name": comparison.experiment.name, "days": comparison.experiment.days, "seeds": comparison.seeds,
            "common_overrides": comparison.common_overrides,
            "scenarios": [{"name": s.name, "overrides": list(s.overrides),
                           "events": [{"day": ev.day, "set": dict(ev.set)} for ev in s.events]}
                          for s in comparison.experiment.scenarios]}
    write_text(out_dir / "experiment.yaml", yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    bands = series_bands(comparison.daily)
    titles = dict(SERIES)
    plots = {}
    for column, title in SERIES:
        png = plot_series(bands, column, title, comparison)
        atomic_write(out_dir / "plots" / f"{column}.png", lambda tmp, png=png: tmp.write_bytes(png))
        plots[column] = png
    write_text(out_dir / "report.md", report_markdown(comparison, table, titles))
    write_text(out_dir / "report.html", report_html(comparison, table, plots, titles))
