"""The validation report: validation.md and a self-contained validation.html (plots embedded)."""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import platform
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from experiments.outputs import write_text  # noqa: E402
from sim.facts import Estimate, Fact  # noqa: E402

GREEN, RED, GREY, BLUE = "#2e7d32", "#c62828", "#9e9e9e", "#1f77b4"


def _format(value: Any) -> str:
    if isinstance(value, Estimate):
        return str(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "[" + ", ".join(_format(v) for v in value) + "]"
    return str(value)


def plot_fact(fact: Fact) -> bytes:
    """One small PNG: the measured statistic against its target band."""
    spec = fact.plot
    fig, ax = plt.subplots(figsize=(4.6, 2.8), dpi=110)
    kind = spec.get("kind")
    colour = GREEN if fact.passed else RED
    if kind == "bars":
        x = np.arange(len(spec["labels"]))
        values = np.asarray(spec["values"], float)
        errors = spec.get("errors")
        if errors:
            low = values - np.array([e[0] for e in errors], float)
            high = np.array([e[1] for e in errors], float) - values
            yerr = np.nan_to_num(np.vstack([low, high]))
        else:
            yerr = None
        ax.bar(x, values, yerr=yerr, color=colour, alpha=0.75, capsize=4)
        for i, target in enumerate(spec.get("targets", [])):
            band = spec.get("band", 0)
            ax.axhspan(target - band, target + band, xmin=(i + 0.1) / len(x), xmax=(i + 0.9) / len(x),
                       color=GREY, alpha=0.35)
        for i, (low_, high_) in enumerate(spec.get("ranges", [])):
            ax.plot([i - 0.4, i + 0.4], [low_, low_], color=GREY)
            ax.plot([i - 0.4, i + 0.4], [high_, high_], color=GREY)
        if spec.get("zero"):
            ax.axhline(0, color="black", lw=0.8)
        if "limit" in spec:
            ax.axhline(spec["limit"], color=GREY, ls="--")
        ax.set_xticks(x, spec["labels"], fontsize=8)
    elif kind == "scatter":
        ax.scatter(spec["x"], spec["y"], s=14, color=colour)
        ax.set_xlabel(spec.get("xlabel", ""))
        ax.set_title(f"r = {spec['value']:.2f} (target {spec['band'][0]:.2f}-{spec['band'][1]:.2f})", fontsize=9)
    elif kind == "series":
        y = np.asarray(spec["y"], float)
        ax.plot(np.arange(len(y)), y, color=colour, lw=1.2)
        ax.axhline(0, color="black", lw=0.8)
        ax.axvline(spec["step_day"], color=GREY, ls="--")
        ax.axvspan(*spec["window"], color=GREY, alpha=0.25)
        ax.set_xlabel("day")
    elif kind == "curves":
        for label, y in spec["curves"].items():
            ax.plot(spec["x"], y, marker="o", ms=3, label=label)
        for mark in spec.get("marks", []):
            ax.axvline(mark, color=GREY, ls=":")
        if spec.get("zero"):
            ax.axhline(0, color="black", lw=0.8)
        ax.set_xlabel(spec.get("xlabel", ""))
        ax.legend(fontsize=7)
    elif kind == "binned":
        x, y = np.asarray(spec["x"], float), np.asarray(spec["y"], float)
        edges = np.linspace(np.percentile(x, 1), np.percentile(x, 99), 21)
        centres = (edges[:-1] + edges[1:]) / 2
        index = np.digitize(x, edges) - 1
        means = [y[index == i].mean() if np.any(index == i) else np.nan for i in range(len(centres))]
        ax.scatter(x, y, s=2, color=GREY, alpha=0.3)
        ax.plot(centres, means, color=colour, marker="o", ms=3)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel(spec.get("xlabel", ""))
    ax.set_ylabel(spec.get("ylabel", ""), fontsize=8)
    ax.tick_params(labelsize=7)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def markdown(facts: list[Fact], plan: Any, seconds: float) -> str:
    held = sum(f.passed for f in facts)
    lines = [
        "# Validation report",
        "",
        f"Generated {dt.date.today().isoformat()} by `python -m experiments.validate` "
        f"({held}/{len(facts)} facts hold; {seconds:.0f} s on {platform.machine()}, Python "
        f"{platform.python_version()}).",
        "",
        f"Seeds: {plan.seeds} per noisy fact ({plan.s3_seeds} for S3 and SS, {plan.f4_seeds} for F4, "
        f"{2 * plan.seeds} per discount for F11, {plan.f6_seeds} per grid point for F6); "
        "intervals are t-based 95% confidence intervals over seeds. The plots are in validation.html.",
        "",
        "| fact | what | target | measured | verdict |",
        "|---|---|---|---|---|",
    ]
    for f in facts:
        lines.append(f"| {f.key} | {f.title} | {f.target} | {f.detail} | {'holds' if f.passed else 'FAILS'} |")
    lines += ["", "## Statistics", ""]
    for f in facts:
        lines.append(f"### {f.key}: {f.title}")
        lines.append("")
        for name, value in f.statistics.items():
            lines.append(f"- {name}: {_format(value)}")
        lines.append("")
    return "\n".join(lines)


def html_page(facts: list[Fact], plan: Any, seconds: float) -> str:
    held = sum(f.passed for f in facts)
    cards = []
    for f in facts:
        image = base64.b64encode(plot_fact(f)).decode()
        verdict = "holds" if f.passed else "FAILS"
        cards.append(
            f'<div class="card {"ok" if f.passed else "bad"}"><h2>{f.key} · {html.escape(f.title)} '
            f'<span>{verdict}</span></h2><p><b>Target:</b> {html.escape(f.target)}<br>'
            f'<b>Measured:</b> {html.escape(f.detail)}</p><img alt="{f.key}" src="data:image/png;base64,{image}"></div>')
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Validation report</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}}
.grid{{display:grid;grid-template-columns:repeat(auto-fill,minmax(500px,1fr));gap:1em}}
.card{{border:1px solid #ddd;border-left:6px solid #2e7d32;padding:.6em 1em;border-radius:6px}}
.card.bad{{border-left-color:#c62828}} h2{{font-size:1.05em}} h2 span{{float:right;font-size:.85em}}
img{{max-width:100%}}</style></head><body>
<h1>Validation report</h1><p>{held}/{len(facts)} stylized facts hold. Generated {dt.date.today().isoformat()} by
<code>python -m experiments.validate</code> in {seconds:.0f} s; {plan.seeds} seeds per noisy fact, 95% confidence
intervals over seeds. Grey bands mark targets.</p><div class="grid">{''.join(cards)}</div></body></html>"""


def write_report(facts: list[Fact], out_dir: Path, plan: Any, seconds: float) -> list[Path]:
    out_dir = Path(out_dir)
    paths = [out_dir / "validation.md", out_dir / "validation.html"]
    write_text(paths[0], markdown(facts, plan, seconds))
    write_text(paths[1], html_page(facts, plan, seconds))
    return paths
