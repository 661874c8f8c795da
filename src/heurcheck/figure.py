"""The matching-sampling figure: mean squared error against cost on log-log axes, from a finding.

The estimator's points (one per effort level, the bars from R's interval) against Monte Carlo's line
MSE = mean(V) T / cost, with its band from the interval of mean(V). Drawn with matplotlib (the
optional extra `plot`); the data come from the finding's `observed` report and nothing is computed
about verdicts here.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InvalidFinding
from .findings import Finding


@dataclass(frozen=True)
class Curve:
    """What the figure shows, read from a matching-sampling finding."""

    title: str
    unit: str
    labels: tuple[str, ...]
    cost: tuple[float, ...]
    mse: tuple[float, ...]
    mse_low: tuple[float, ...]  # from R's interval (same cost, same mean V and T)
    mse_high: tuple[float, ...]
    variance: float
    variance_band: tuple[float, float]
    sample_cost: float


def has_curve(finding: Finding) -> bool:
    """Whether the finding carries matching-sampling levels to draw."""
    return bool(finding.observed and finding.observed.get("levels"))


def curve(finding: Finding) -> Curve:
    o = finding.observed or {}
    levels = o.get("levels")
    if not levels:
        raise InvalidFinding(f"finding of {finding.property!r} on {finding.estimator!r}: no matching-sampling "
                             f"levels in observed (expected a finding of the matching-sampling property)")
    var, t = float(o["mean_variance"]), float(o["sample_cost"])
    cost = tuple(float(lv["mean_cost"]) for lv in levels)

    def mse_at(r: Any, c: float) -> float:
        """The MSE that R stands for at cost c (R = MSE c / (mean V T)); NaN where it is not defined."""
        if r is None or not c > 0 or not math.isfinite(c):
            return math.nan
        return float(r) * var * t / c

    unit = "counted operations" if o.get("cost") == "operations" else "seconds (wall time)"
    return Curve(
        title=f"{finding.estimator} on {finding.domain}: {finding.verdict.value}", unit=unit,
        labels=tuple(str(lv["effort"]) for lv in levels), cost=cost,
        mse=tuple(mse_at(lv["R"], c) for lv, c in zip(levels, cost)),
        mse_low=tuple(mse_at(lv["lower"], c) for lv, c in zip(levels, cost)),
        mse_high=tuple(mse_at(lv["upper"], c) for lv, c in zip(levels, cost)),
        variance=var, variance_band=(float(o["mean_variance_interval"][0]), float(o["mean_variance_interval"][1])),
        sample_cost=t)


def _figure(c: Curve) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=110)
    positive = [x for x in c.cost if x > 0]
    lo = min(positive + [c.sample_cost]) / 4
    hi = max(positive + [c.sample_cost * 16]) * 4
    grid = np.geomspace(lo, hi, 100)
    ax.fill_between(grid, c.variance_band[0] * c.sample_cost / grid, c.variance_band[1] * c.sample_cost / grid,
                    color="#bbbbbb", alpha=0.5, label="Monte Carlo band (mean V interval)")
    ax.plot(grid, c.variance * c.sample_cost / grid, color="#555555", lw=1.2, label="Monte Carlo: mean(V) T / cost")
    ys = np.array(c.mse)
    shown = np.isfinite(ys) & (ys > 0) & (np.array(c.cost) > 0)
    if shown.any():
        x, y = np.array(c.cost)[shown], ys[shown]
        low = np.clip(np.nan_to_num(np.array(c.mse_low)[shown], nan=0.0), 0.0, None)
        high = np.nan_to_num(np.array(c.mse_high)[shown], nan=np.inf, posinf=np.inf)
        yerr = np.vstack([y - np.maximum(low, y * 1e-3), np.where(np.isfinite(high), high - y, y * 10)])
        ax.errorbar(x, y, yerr=yerr, fmt="o-", color="#d43c3c", capsize=3, label="estimator (R interval)")
        for label, xi, yi in zip(np.array(c.labels)[shown], x, y):
            ax.annotate(label, (xi, yi), textcoords="offset points", xytext=(5, 5), fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"cost per estimate ({c.unit})")
    ax.set_ylabel("mean squared error over contexts")
    ax.set_title(c.title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def write(finding: Finding, stem: Path) -> list[Path]:
    """Draw the figure as STEM.png and STEM.svg; returns the two paths (ImportError without matplotlib)."""
    import matplotlib.pyplot as plt

    fig = _figure(curve(finding))
    out = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    try:
        for path in out:
            path.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path)
    finally:
        plt.close(fig)
    return out


def svg(finding: Finding) -> str:
    """The figure as SVG text, to embed in a page (ImportError without matplotlib)."""
    import matplotlib.pyplot as plt

    fig = _figure(curve(finding))
    buffer = io.StringIO()
    try:
        fig.savefig(buffer, format="svg")
    finally:
        plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # without the XML prolog and doctype, which cannot sit inside HTML


def save_measurements(findings: list[Finding], folder: Path) -> list[Path]:
    """Save every finding that carries a matching-sampling curve (a measurement, whatever its verdict) in
    `folder`, with its figure beside it when matplotlib is installed; returns the paths written."""
    written: list[Path] = []
    for f in findings:
        if not has_curve(f):
            continue
        path = f.save(folder)
        written.append(path)
        try:
            written += write(f, path.with_suffix(""))
        except ImportError:
            continue
    return written
