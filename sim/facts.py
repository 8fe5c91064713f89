"""Stylized-fact detectors: one pure function per calibration target of the spec.

Each detector takes measured data (arrays, one value or series per seed) and returns
a `Fact`: the statistics, the target and whether it holds. Detectors know nothing
about the model; `experiments.validate` runs the scenarios that feed them, and the
tests first try each detector on synthetic data where the answer is known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Estimate:
    """Mean over seeds with a t-based 95% confidence interval."""

    mean: float
    low: float
    high: float
    n: int

    def __str__(self) -> str:
        return f"{self.mean:.3g} (95% CI {self.low:.3g} to {self.high:.3g}, n={self.n})"


def estimate(values: Sequence[float]) -> Estimate:
    """Mean and t-based 95% interval of per-seed values (NaNs dropped)."""
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    n = len(data)
    if n == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    mean = float(data.mean())
    if n == 1:
        return Estimate(mean, float("nan"), float("nan"), 1)
    half = float(stats.t.ppf(0.975, n - 1) * data.std(ddof=1) / np.sqrt(n))
    return Estimate(mean, mean - half, mean + half, n)


@dataclass
class Fact:
    """The verdict on one stylized fact."""

    key: str
    title: str
    target: str
    passed: bool
    statistics: dict[str, Any]
    detail: str = ""
    plot: dict[str, Any] = field(default_factory=dict)  # data for the report's small plot

    def line(self) -> str:
        mark = "PASS" if self.passed else "FAIL"
        return f"[{mark}] {self.key} {self.title}: {self.detail}"


# ------------------------------------------------------------------------------------------------
def s1_centricity(engaged: Sequence[float], other: Sequence[float]) -> Fact:
    """S1: customer-centricity rating of engaged vs non-engaged employees: 8.5 vs 6.6, each +/- 0.3."""
    e, o = estimate(engaged), estimate(other)
    passed = abs(e.mean - 8.5) <= 0.3 and abs(o.mean - 6.6) <= 0.3
    return Fact("S1", "engaged employees are more customer-centric", "8.5 vs 6.6 (each +/- 0.3)", passed,
                {"engaged": e, "other": o},
                f"engaged {e.mean:.2f} [{e.low:.2f}, {e.high:.2f}], non-engaged {o.mean:.2f} [{o.low:.2f}, "
                f"{o.high:.2f}]",
                plot={"kind": "bars", "labels": ["engaged", "non-engaged"], "values": [e.mean, o.mean],
                      "errors": [[e.low, e.high], [o.low, o.high]], "targets": [8.5, 6.6], "band": 0.3})


def s2_front_line_gap(gap_baseline: Sequence[float], gap_empowered: Sequence[float]) -> Fact:
    """S2: front line more discouraged (exhaustion - engagement) than the back office at baseline;
    with low display rules and high autonomy the gap shrinks by at least 50%."""
    base, emp = estimate(gap_baseline), estimate(gap_empowered)
    shrink = 1.0 - emp.mean / base.mean if base.mean > 0 else float("nan")
    passed = base.low > 0 and shrink >= 0.5
    return Fact("S2", "customer contact is a demand: the front line is more discouraged",
                "gap > 0 at baseline; shrinks >= 50% with low display rules and high autonomy", passed,
                {"gap_baseline": base, "gap_empowered": emp, "shrink": shrink},
                f"gap {base.mean:.3f} [{base.low:.3f}, {base.high:.3f}] -> {emp.mean:.3f}; shrinks {shrink:.0%}",
                plot={"kind": "bars", "labels": ["baseline", "empowered"], "values": [base.mean, emp.mean],
                      "errors": [[base.low, base.high], [emp.low, emp.high]]})


def s3_ambassadors(vacancy_days_saved: Sequence[float], quit_rate_reduction: Sequence[float],
                   customers_from_promoters: Sequence[float]) -> Fact:
    """S3: referrals shorten vacancies (days saved against a run without staff referrals), referred hires quit
    less (quits per person-year, other hires minus referred), promoters bring new customers (customers who
    joined on a promoter's recommendation); all three > 0 with 95% confidence."""
    saved, fewer, brought = estimate(vacancy_days_saved), estimate(quit_rate_reduction), \
        estimate(customers_from_promoters)
    passed = saved.low > 0 and fewer.low > 0 and brought.low > 0
    return Fact("S3", "believers become ambassadors", "all three effects > 0 (95% CI above 0)", passed,
                {"vacancy_days_saved": saved, "quit_rate_reduction": fewer, "customers_from_promoters": brought},
                f"referred vacancies {saved.mean:.1f} days shorter [{saved.low:.1f}, {saved.high:.1f}]; referred "
                f"hires quit {fewer.mean:.1%}/yr less [{fewer.low:.1%}, {fewer.high:.1%}]; promoters bring "
                f"{brought.mean:.0f} customers [{brought.low:.0f}, {brought.high:.0f}]",
                plot={"kind": "bars", "labels": ["vacancy days saved", "quit rate cut (%/yr)",
                                                 "customers via promoters (/100)"],
                      "values": [saved.mean, 100 * fewer.mean, brought.mean / 100],
                      "errors": [[saved.low, saved.high], [100 * fewer.low, 100 * fewer.high],
                                 [brought.low / 100, brought.high / 100]]})


def correlation(x: Sequence[float], y: Sequence[float]) -> float:
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3 or np.std(x[ok]) == 0 or np.std(y[ok]) == 0:
        return float("nan")
    return float(np.corrcoef(x[ok], y[ok])[0, 1])


def f1_unit_correlation(per_seed: Sequence[tuple[Sequence[float], Sequence[float]]]) -> Fact:
    """F1: corr(team mean engagement, team customer satisfaction) = .33 (.20-.45), one value per seed."""
    values = [correlation(engagement, satisfaction) for engagement, satisfaction in per_seed]
    est = estimate(values)
    passed = 0.20 <= est.mean <= 0.45
    return Fact("F1", "unit engagement goes with customer satisfaction (Gallup)", "r = .33 (.20 to .45)", passed,
                {"correlation": est}, f"r = {est.mean:.2f} [{est.low:.2f}, {est.high:.2f}]",
                plot={"kind": "scatter", "x": [float(v) for v in per_seed[0][0]],
                      "y": [float(v) for v in per_seed[0][1]], "xlabel": "team engagement",
                      "ylabel": "team satisfaction", "band": [0.20, 0.45], "value": est.mean})


def f3_employee_correlations(per_seed: Sequence[dict[str, Sequence[float]]]) -> Fact:
    """F3: corr(demands, exhaustion) .4-.6; corr(resources, engagement) .3-.5; corr(exhaustion, engagement)
    -.3 to -.5. Each seed gives arrays 'demands', 'resources', 'exhaustion', 'engagement' over employees."""
    dx = estimate([correlation(s["demands"], s["exhaustion"]) for s in per_seed])
    re = estimate([correlation(s["resources"], s["engagement"]) for s in per_seed])
    xe = estimate([correlation(s["exhaustion"], s["engagement"]) for s in per_seed])
    passed = 0.4 <= dx.mean <= 0.6 and 0.3 <= re.mean <= 0.5 and -0.5 <= xe.mean <= -0.3
    return Fact("F3", "JD-R: demands drive exhaustion, resources drive engagement",
                "r(D,X) .4-.6; r(R,E) .3-.5; r(X,E) -.3 to -.5", passed,
                {"demands_exhaustion": dx, "resources_engagement": re, "exhaustion_engagement": xe},
                f"r(D,X) {dx.mean:.2f}, r(R,E) {re.mean:.2f}, r(X,E) {xe.mean:.2f}",
                plot={"kind": "bars", "labels": ["r(D,X)", "r(R,E)", "r(X,E)"],
                      "values": [dx.mean, re.mean, xe.mean],
                      "errors": [[dx.low, dx.high], [re.low, re.high], [xe.low, xe.high]],
                      "ranges": [[0.4, 0.6], [0.3, 0.5], [-0.5, -0.3]]})


def rolling_mean(series: Sequence[float], window: int) -> np.ndarray:
    """Centred moving average (edges padded with the edge values), so crossings are not shifted."""
    data = np.asarray(series, float)
    if window <= 1:
        return data
    before, after = (window - 1) // 2, window // 2
    padded = np.concatenate([np.full(before, data[0]), data, np.full(after, data[-1])])
    return np.convolve(padded, np.ones(window) / window, mode="valid")


def first_crossing_below(difference: Sequence[float], start: int, hold: int = 30) -> int | None:
    """First index >= start at which the difference is below 0 and stays below for `hold` days on average."""
    diff = np.asarray(difference, float)
    for day in range(start, len(diff)):
        if diff[day] < 0 and diff[day: day + hold].mean() < 0:
            return day
    return None


def f4_pressure_backfires(difference: Sequence[float], step_day: int,
                          survivors_difference: Sequence[float] | None = None, smoothing_days: int = 14) -> Fact:
    """F4: after a step rise in pressure at `step_day`, satisfaction (step run minus baseline, mean over seeds)
    first rises (a positive peak 2-8 weeks after the step), then crosses back below baseline 3-9 months
    after the step and settles below it (mean of the last 90 days < 0).

    `difference` follows the customers of the day of the step, including those who leave later (at the
    satisfaction they left with): the mean over whoever is still a customer hides a decline, because the
    dissatisfied leave. That survivors' difference, if given, is reported (`settled_difference_survivors`)
    but not judged."""
    diff = rolling_mean(difference, smoothing_days)
    early = diff[step_day + 14: step_day + 57]
    peak_offset = int(np.argmax(early)) + 14 if len(early) else 0
    peak = float(early.max()) if len(early) else float("nan")
    crossing = first_crossing_below(diff, step_day + peak_offset)
    crossing_offset = None if crossing is None else crossing - step_day
    settled = float(diff[-90:].mean())
    passed = (peak > 0 and crossing_offset is not None and 90 <= crossing_offset <= 270 and settled < 0)
    crossing_text = "never" if crossing_offset is None else f"{crossing_offset} days after the step"
    statistics = {"peak": peak, "peak_day_after_step": peak_offset, "crossing_day_after_step": crossing_offset,
                  "settled_difference": settled}
    if survivors_difference is not None:
        statistics["settled_difference_survivors"] = float(rolling_mean(survivors_difference, smoothing_days)[-90:].mean())
    return Fact("F4", "pressure backfires", "rise within 2-8 weeks, cross below 3-9 months after, settle below",
                passed, statistics,
                f"peak {peak:+.4f} at +{peak_offset} d; crosses baseline {crossing_text}; settles {settled:+.4f}",
                plot={"kind": "series", "y": [float(v) for v in diff], "step_day": step_day,
                      "window": [step_day + 90, step_day + 270], "ylabel": "satisfaction: step - baseline"})


def argmax_quadratic(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """Location and height of the peak of a quadratic fitted around the best grid point."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    best = int(np.argmax(y))
    lo, hi = max(0, best - 2), min(len(x), best + 3)
    if hi - lo >= 3:
        a, b, c = np.polyfit(x[lo:hi], y[lo:hi], 2)
        if a < 0:
            peak_x = float(np.clip(-b / (2 * a), x[lo], x[hi - 1]))
            return peak_x, float(np.polyval([a, b, c], peak_x))
    return float(x[best]), float(y[best])


def f6_optimum_shift(pressures: Sequence[float], loyalty_low: Sequence[float],
                     loyalty_high: Sequence[float]) -> Fact:
    """F6: with high appreciation the pressure that maximises 2-year loyalty is higher, and so is the peak.
    `loyalty_*` are mean 2-year loyalty over seeds at each pressure, for low and high appreciation."""
    opt_low, peak_low = argmax_quadratic(pressures, loyalty_low)
    opt_high, peak_high = argmax_quadratic(pressures, loyalty_high)
    interior = min(pressures) < opt_high and min(pressures) < opt_low < max(pressures)
    passed = opt_high > opt_low and peak_high > peak_low and interior
    return Fact("F6", "appreciation shifts the optimal pressure", "optimum and peak both higher", passed,
                {"optimum_low": opt_low, "optimum_high": opt_high, "peak_low": peak_low, "peak_high": peak_high},
                f"optimal pressure {opt_low:.2f} -> {opt_high:.2f}; peak loyalty {peak_low:.3f} -> {peak_high:.3f}",
                plot={"kind": "curves", "x": list(map(float, pressures)),
                      "curves": {"low appreciation": list(map(float, loyalty_low)),
                                 "high appreciation": list(map(float, loyalty_high))},
                      "marks": [opt_low, opt_high], "xlabel": "pressure", "ylabel": "2-year loyalty"})


MATERIAL_GAP = 0.01  # F7: the smallest difference (0-1 scale) that counts as the veneer failing


def f7_veneer(satisfaction_gap: Sequence[float], exhaustion_gap: Sequence[float]) -> Fact:
    """F7: veneer minus sincere (same money on resources), per seed: satisfaction lower and exhaustion higher,
    each by a difference people notice (at least MATERIAL_GAP, one point on a 0-100 scale) and with its 95%
    interval clear of zero. The threshold matters: the sincere arm's extra training helps a little whatever the
    veneer does, so "lower at all" would hold even if faking cost nothing."""
    sat, exh = estimate(satisfaction_gap), estimate(exhaustion_gap)
    passed = sat.high < 0 and exh.low > 0 and sat.mean <= -MATERIAL_GAP and exh.mean >= MATERIAL_GAP
    return Fact("F7", "a veneer fails", "veneer: satisfaction lower and exhaustion higher, by >= 0.01 (95% CI)", passed,
                {"satisfaction_gap": sat, "exhaustion_gap": exh},
                f"satisfaction {sat.mean:+.3f} [{sat.low:+.3f}, {sat.high:+.3f}], exhaustion {exh.mean:+.3f} "
                f"[{exh.low:+.3f}, {exh.high:+.3f}]",
                plot={"kind": "bars", "labels": ["satisfaction", "exhaustion"], "values": [sat.mean, exh.mean],
                      "errors": [[sat.low, sat.high], [exh.low, exh.high]], "zero": True})


def f8_convexity(defection_top: Sequence[float], defection_second: Sequence[float]) -> Fact:
    """F8: customers in the second satisfaction box defect 3-8x as often as top-box customers (target 6x)."""
    ratios = [s / t if t > 0 else np.nan for t, s in zip(defection_top, defection_second)]
    est = estimate(ratios)
    passed = 3.0 <= est.mean <= 8.0
    return Fact("F8", "satisfaction -> loyalty is convex", "second-box / top-box defection 3-8x", passed,
                {"ratio": est, "defection_top": estimate(defection_top),
                 "defection_second": estimate(defection_second)},
                f"ratio {est.mean:.1f}x [{est.low:.1f}, {est.high:.1f}]",
                plot={"kind": "bars", "labels": ["top box", "second box"],
                      "values": [float(np.mean(defection_top)), float(np.mean(defection_second))],
                      "ylabel": "defection within a year"})


def f9_loss_asymmetry(disconfirmation: Sequence[float], change: Sequence[float],
                      control: Sequence[float] | None = None) -> Fact:
    """F9: how much more a negative disconfirmation lowers satisfaction than an equal positive one raises it.

    Fits change = a d+ + b d- (+ c control) + k, with d+ = max(d, 0), d- = min(d, 0); the ratio is b / a
    (1.5-3). `control` is what else moves satisfaction in the data (e.g. expectation - satisfaction before).
    "Equal" disconfirmations: the fit uses only |d| up to the 95th percentile of the positive ones, the range
    in which gains and losses both occur (large losses have no positive counterpart and are cut off by the
    floor of the satisfaction scale).
    """
    d, y = np.asarray(disconfirmation, float), np.asarray(change, float)
    positive = d[d > 0]
    if len(positive) >= 10:
        common = np.abs(d) <= np.quantile(positive, 0.95)
        d, y = d[common], y[common]
        control = None if control is None else np.asarray(control, float)[common]
    columns = [np.maximum(d, 0), np.minimum(d, 0)]
    if control is not None:
        columns.append(np.asarray(control, float))
    design = np.column_stack(columns + [np.ones_like(d)])
    coef = np.linalg.lstsq(design, y, rcond=None)[0]
    gain, loss = float(coef[0]), float(coef[1])
    ratio = loss / gain if gain > 0 else float("nan")
    passed = 1.5 <= ratio <= 3.0
    sample = slice(None, None, max(1, len(d) // 4000))
    return Fact("F9", "losses loom larger", "ratio of slopes 1.5-3", passed,
                {"ratio": ratio, "gain_slope": gain, "loss_slope": loss},
                f"loss/gain = {ratio:.2f}",
                plot={"kind": "binned", "x": d[sample].tolist(), "y": y[sample].tolist(),
                      "xlabel": "disconfirmation", "ylabel": "change in satisfaction"})


def f11_loyalty_card(discounts: Sequence[float], member_churn: Sequence[Sequence[float]],
                     other_churn: Sequence[Sequence[float]], net_margin: Sequence[float],
                     run_churn: Sequence[Sequence[float]] | None = None) -> Fact:
    """F11: a card's retention effect is a few % (members churn 0.5-10% less than comparable customers without
    the card, with a 95% interval above 0), and net margin falls once the discount exceeds about 2% (the
    margin gain turns into a loss between 1% and 4%).

    Retention is a randomised comparison inside each run. Whether a customer joins when a card is offered is a
    random propensity drawn for everyone, so would-be members and the others are alike except for the card,
    and the members' churn cut in the card runs is the card's effect. The same split in the run without a
    card is reported as a placebo (`member_cut_without_card`, expected 0); it is not subtracted, because its
    chance difference is not shared with the card runs (their trajectories part) and would only add noise.
    This measures what the evidence measures (members against comparable non-members) and, in the model,
    mainly reads back `card_churn_factor`. The whole-run churn cut (card runs against the run without) is
    reported as `run_churn_cut` but not judged: it is half as large (half the customers are members) and
    smaller than the seed-to-seed divergence of the branches' trajectories that a card sets off.

    `member_churn[i]`, `other_churn[i]` and `run_churn[i]` are per-seed churn rates (1/year; seeds in the same
    order for every discount) of would-be members, the others and everyone in the runs at `discounts[i]`.
    `net_margin` holds means over seeds per discount; discounts[0] must be 0 (no card)."""
    discounts, margin = np.asarray(discounts, float), np.asarray(net_margin, float)
    if discounts[0] != 0:
        raise ValueError("discounts[0] must be 0 (no card)")
    cut = np.array([1.0 - np.asarray(m, float) / np.asarray(o, float) for m, o in zip(member_churn, other_churn)])
    # One value per seed (the mean over the discounts): runs of one seed share their customers.
    retention = estimate(cut[1:].mean(axis=0))
    statistics: dict[str, Any] = {"retention_effect": retention, "member_cut_without_card": estimate(cut[0])}
    if run_churn is not None:
        churn = np.asarray(run_churn, float)
        statistics["run_churn_cut"] = estimate((1.0 - churn[1:] / churn[0]).mean(axis=0))
    change = margin - margin[0]
    break_even = None  # the discount at which the margin change first turns negative (linear in between)
    for i in range(1, len(discounts)):
        if change[i] < 0:
            d0, d1, c0, c1 = discounts[i - 1], discounts[i], change[i - 1], change[i]
            break_even = float(d0 + (d1 - d0) * c0 / (c0 - c1))
            break
    falls_after = bool(np.all(np.diff(change[discounts >= 0.02]) < 0)) if (discounts >= 0.02).sum() > 1 else True
    passed = (0.005 <= retention.mean <= 0.10 and retention.low > 0 and break_even is not None
              and 0.01 <= break_even <= 0.04 and falls_after)
    statistics.update({"break_even_discount": break_even, "margin_change": change.tolist()})
    return Fact("F11", "loyalty cards buy little loyalty", "retention +0.5-10%; margin falls beyond ~2% discount",
                passed, statistics,
                f"members churn {retention.mean:.1%} less [{retention.low:.1%}, {retention.high:.1%}]; margin "
                f"break-even at {'none' if break_even is None else f'{break_even:.1%}'} discount",
                plot={"kind": "curves", "x": discounts.tolist(), "curves": {"net margin change": change.tolist()},
                      "xlabel": "card discount", "ylabel": "net margin - no card", "zero": True})


def steady_state(per_seed: Sequence[dict[str, Sequence[float]]], start: int = 180, end: int = 730,
                 window: int = 30) -> Fact:
    """Steady state: drift of customers, engagement and exhaustion between days start and end below 5%
    (means of `window` days at each end)."""
    drifts: dict[str, Estimate] = {}
    for column in ("customers", "engagement", "exhaustion"):
        values = []
        for series in per_seed:
            data = np.asarray(series[column], float)
            first, last = data[start: start + window].mean(), data[end - window: end].mean()
            values.append(abs(last - first) / first)
        drifts[column] = estimate(values)
    worst = max(d.mean for d in drifts.values())
    passed = all(d.mean < 0.05 for d in drifts.values())
    return Fact("SS", "the baseline is in steady state", "drift < 5% over days 180-730", passed,
                {k: v for k, v in drifts.items()},
                ", ".join(f"{k} {v.mean:.1%}" for k, v in drifts.items()) + f" (worst {worst:.1%})",
                plot={"kind": "bars", "labels": list(drifts), "values": [100 * d.mean for d in drifts.values()],
                      "ylabel": "drift %", "limit": 5.0})
