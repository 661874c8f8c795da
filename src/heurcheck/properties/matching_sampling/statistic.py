"""The statistic of matching-sampling: R per effort level, paired bootstrap intervals, Holm's step-down, the floor.

Pure computation on arrays of per-context numbers; nothing here runs an estimator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

BEATS, VIOLATED, INCONCLUSIVE = "beats-sampling", "violated", "inconclusive"


@dataclass(frozen=True)
class Level:
    """One effort level's per-context numbers (arrays of the same length m, one entry per context)."""

    label: str
    error2: np.ndarray  # (G - Y)^2 minus the truth's squared standard error
    raw_error2: np.ndarray  # (G - Y)^2
    truth_var: np.ndarray  # the truth's squared standard error (0 where exact)
    cost: np.ndarray  # C_i, the estimator's cost on context i


@dataclass(frozen=True)
class Judged:
    """R at one effort level with its interval, the Holm step that judged it, and the verdict."""

    label: str
    r: float
    lower: float
    upper: float
    confidence: float  # of the interval (1 - alpha / (levels left at its Holm step))
    p_value: float  # two-sided, for R = kappa, from the same studentized bootstrap as the interval
    verdict: str  # BEATS, VIOLATED or INCONCLUSIVE
    why: str  # the reason for an inconclusive verdict ("" otherwise)
    mse: float
    mse_upper: float  # upper bound of the normalised MSE's interval, times mean V (for the floor)
    mean_cost: float
    truth_share: float  # mean truth variance / mean raw squared error


def ratio(error2: np.ndarray, cost: np.ndarray, var: np.ndarray, sample_cost: np.ndarray) -> np.ndarray:
    """R = mean(err^2) mean(C) / (mean(V) T) along the last axis (T = mean of the per-context sample costs)."""
    denominator = var.mean(axis=-1) * sample_cost.mean(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(error2.mean(axis=-1) * cost.mean(axis=-1) / denominator)


def judge(levels: list[Level], var: np.ndarray, sample_cost: np.ndarray, kappa: float, alpha: float,
          resamples: int, seed: int, truth_share_limit: float = 0.1) -> list[Judged]:
    """Every level's R with a paired bootstrap interval (the same resampled contexts for err^2, C, V and T;
    studentized, see `_studentized`),
    judged against kappa with Holm's step-down over the levels: in order of p-value, the k-th level's
    interval has confidence 1 - alpha / (L - k); it is decided (beats sampling when the interval lies below
    kappa, violated when above) while every earlier one was, and inconclusive from the first one that is not.
    A level whose truth error (mean squared standard error) exceeds `truth_share_limit` of its mean squared
    error is inconclusive whatever its interval."""
    m = len(var)
    rng = np.random.default_rng(seed)
    index = rng.integers(0, m, size=(resamples, m))
    p_values = [_studentized(lv, var, sample_cost, index, 1 - alpha, kappa)[2] for lv in levels]
    order = sorted(range(len(levels)), key=lambda i: p_values[i])
    judged: dict[int, Judged] = {}
    stopped = False
    for step, i in enumerate(order):
        lv = levels[i]
        p = p_values[i]
        confidence = 1 - alpha / (len(levels) - step)
        r = float(ratio(lv.error2, lv.cost, var, sample_cost))
        lo, hi, _ = _studentized(lv, var, sample_cost, index, confidence, kappa)
        ones = np.ones_like(var)
        q_hi = _studentized(replace(lv, cost=ones), var, ones, index, confidence, kappa)[1]  # of mean(err^2) / mean(V)
        mse, raw = float(lv.error2.mean()), float(lv.raw_error2.mean())
        share = float(lv.truth_var.mean()) / raw if raw > 0 else (0.0 if not lv.truth_var.any() else math.inf)
        verdict, why = INCONCLUSIVE, ""
        if share > truth_share_limit:
            why = (f"the truth's own error (mean squared standard error {float(lv.truth_var.mean()):.3g}) exceeds "
                   f"{truth_share_limit:g} of the mean squared error ({raw:.3g}): more truth samples are needed")
        elif stopped:
            why = "Holm's step-down stopped at an earlier level"
        elif hi < kappa:
            verdict = BEATS
        elif lo > kappa:
            verdict = VIOLATED
        else:
            why = f"the interval contains kappa = {kappa:g}"
        stopped = stopped or verdict == INCONCLUSIVE  # Holm: the first level not decided ends the step-down
        judged[i] = Judged(lv.label, r, lo, hi, confidence, p, verdict, why, mse,
                           q_hi * float(var.mean()), float(lv.cost.mean()), share)
    return [judged[i] for i in range(len(levels))]


def _log_ratio_and_se(e2: np.ndarray, c: np.ndarray, v: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log R and its delta-method standard error along the last axis (each term's influence is its value
    over its mean: log R is a sum and difference of the logs of four means)."""
    means = [a.mean(axis=-1, keepdims=True) for a in (e2, c, v, t)]
    with np.errstate(divide="ignore", invalid="ignore"):
        influence = e2 / means[0] + c / means[1] - v / means[2] - t / means[3]
        log_r = np.log(means[0] * means[1] / (means[2] * means[3]))[..., 0]
    se = influence.std(axis=-1, ddof=1) / math.sqrt(e2.shape[-1])
    return log_r, se


def _studentized(lv: Level, var: np.ndarray, sample_cost: np.ndarray, index: np.ndarray, confidence: float,
                 kappa: float = 1.0) -> tuple[float, float, float]:
    """The bootstrap-t interval of R on the log scale, t* = (log R* - log R) / se* with the delta-method
    standard error in each resample, and the two-sided p-value for R = kappa that agrees with it (the
    interval at confidence 1 - p just reaches kappa). A mean of squared errors over a few dominant contexts
    is skewed (like a chi-square with few degrees of freedom), where percentile intervals cover too little;
    studentizing carries that skew into the interval."""
    log_r, se = _log_ratio_and_se(lv.error2, lv.cost, var, sample_cost)
    star, se_star = _log_ratio_and_se(lv.error2[index], lv.cost[index], var[index], sample_cost[index])
    with np.errstate(divide="ignore", invalid="ignore"):
        # a resample whose squared errors are all 0 has R* = 0: t = -inf, the far low end (not undefined)
        t = np.where(star == -np.inf, -np.inf, (star - log_r) / se_star)
    t = t[~np.isnan(t)]  # a resample of identical contexts has no spread to studentize by: left out
    if not (math.isfinite(float(log_r)) and float(se) > 0 and t.size >= 0.9 * len(index)):
        known = None
        if math.isfinite(float(log_r)) and float(se) == 0:  # every resample the same: R is known exactly
            known = float(math.exp(log_r))
        elif not lv.error2.any() and float(var.mean()) > 0:  # every error exactly 0: so is every resample's R
            known = 0.0
        if known is not None:
            return known, known, (1.0 if known == kappa else 0.0)
        return -math.inf, math.inf, 1.0  # R undefined in some resample (mean V = 0) or not positive (truth noise)
    tail = (1 - confidence) / 2
    # order statistics, not interpolation: a resample whose errors are all 0 has t = -inf (R* = 0)
    t_lo, t_hi = np.quantile(t, [tail, 1 - tail], method="inverted_cdf")
    t_kappa = (float(log_r) - math.log(kappa)) / float(se)
    p = min(1.0, 2 * min(np.count_nonzero(t <= t_kappa), np.count_nonzero(t >= t_kappa)) / t.size)
    with np.errstate(over="ignore"):
        return float(math.exp(log_r - t_hi * se)), float(np.exp(log_r - t_lo * se)), float(p)


def floor(judged: list[Judged], mean_var: float, grid: tuple[float, ...]) -> tuple[float | None, list[float]]:
    """(the smallest eps of the grid that some level reaches, the eps below it that none reaches).

    Level l reaches eps when the upper bound of its MSE is at most eps^2 mean(V): the error Monte Carlo
    gets with eps^-2 samples. None when no level reaches any eps of the grid."""
    reached = [e for e in grid if any(j.mse_upper <= e * e * mean_var for j in judged)]
    best = min(reached) if reached else None
    missed = sorted((e for e in grid if best is None or e < best), reverse=True)
    return best, missed
