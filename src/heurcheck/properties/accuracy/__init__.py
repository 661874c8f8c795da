"""accuracy (D11): over a distribution D of instances, G's errors are orthogonal to a class S of features.

    E_D[(Y - G(Y | Pi)) f] = 0 for every f in S.

The form [I] (the reference gives the gist, these quantifiers are a choice made visible):
- Features (parameter `feature`): `one`, f = 1 (unbiasedness, E_D[Y - G] = 0); `self`,
  f = G(Y | Pi) (self-accuracy); `coarser`, f = G(Y | Pi_0) with Pi_0 (parameter `coarser`, atom
  texts, default none) a subset of Pi: the objective twin of error orthogonality (D10); `all`
  (default): each of these, the violation is the largest.
- D (parameter `distribution`): `pm1` / `01`, permanent domain only: every n x n matrix with
  entries +-1 (or 0/1), uniformly, 2^(n^2) of them (parameter `n`, 1 to 4: 65,536 at n = 4).
  `family`, any domain: the first `instances` instances the domain's Hypothesis strategy
  generates with seed `family_seed`, each of weight 1/|D| (a fixed finite family of circuits; the
  law of a circuit's inputs is not D, Y is already the expectation over it). The family depends on
  the Hypothesis version. `generator`, mlp only: a seeded sample of networks of the research
  generator at depth n (see `accuracy/mlp.py`). `auto` (default): `pm1` on permanents, `generator` on
  mlp, `family` elsewhere.
- Pi (parameter `arguments`): atom texts separated by commas (a comma inside a payload such as
  `keep:g1,g2` stays with its atom), `default` (the estimator's `default_arguments`, none if it
  declares none) or `none`. Y is the exact truth given Pi (the `exact` estimator's value).

Always reported, exactly (as `p/q` strings beside their float values): the OLS fit of Y on G with
intercept (`beta` = Cov(Y, G) / Var G, `intercept`, `r_squared` = Cov^2 / (Var Y Var G); null
when a variance is 0), `mean_error` = E_D[Y - G] (truth minus estimate: the f = 1 moment), the
mean squared error, the means and variances, and every moment E_D[(Y - G) f]. Unbiasedness and
self-accuracy together say the OLS fit is intercept 0, beta 1 (when Var G > 0).

Verdicts. D is finite and enumerated, so the checker's exhaustive route decides (see `exhaustive`):
- every estimate an exact rational: PROVED iff every moment is exactly 0, VIOLATED otherwise (no
  tolerance); the witness describes D (the instance with the largest |Y - G| stands for it);
- some estimate a float (estimators that are not traceable run on floats): the moments are exact
  sums of the floats returned, decided under the tolerance model abs_tol + rel_tol * max(|E[Y f]|,
  |E[G f]|); PROVED then says "holds over all of D within that tolerance", and the message says so;
- instances where the estimator raises OutsideDomain are left out (D is conditioned on the
  estimator's domain) and counted in `excluded`; an estimator failure is an estimator-error;
- randomised estimates (a positive standard error) make the property not applicable: E_D[(Y - G) G]
  would carry the estimator's own noise variance, and per-instance statistical tests (the random
  engine's) test Y = G on each instance, which D11 does not ask. Randomised estimators in an exact
  mode (`symmetrize` at small n returns stderr 0) are exact and decided like the others.
Without the exhaustive route (an engine calling `cases` and `evaluate`), the single case is all of
D, evaluated the same way: the engine can say violated or not-refuted, never proved.
Judged within standard errors instead, never proved: where D is a sample of a larger law (`generator`)
or some truth is a Monte Carlo estimate (the domain's exact truth out of reach; seeded, one seed per
member). Each moment's standard error is the spread of its terms over the sample (which carries the
truths' noise too) or, for a fixed family, sqrt(sum f_i^2 se_i^2) / N from the truths alone; the
moment violates when it exceeds 3.29 standard errors (two-sided alpha = 0.001) plus the tolerance
model. The report then gives floats with standard errors: mean error, OLS beta (its usual standard
error) and R^2 (delta method), and the truth's kind.
Source: Christiano, Hilton, Lincoln, Neyman, Xu (2024), the accuracy desideratum.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, ClassVar, NamedTuple, Protocol

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hseed

from ...findings import Verdict
from ...arguments import EMPTY, Arguments
from ...domains import atom_kinds, get_domain, parse_atom
from ...domains.reference import DEFAULT_TRUTH_SEED, reference_truth
from ...errors import InvalidOption
from ...estimators.base import Capabilities, Estimate
from ...numbers import to_float
from ..base import (TOLERANCE_PARAMETERS, Call, Case, NotApplicable, Outcome, Parameter, PropertyBase, ReportedOutcome,
                    tolerance)
from ..space import CaseSpace, Enumeration

FEATURES = ("one", "self", "coarser", "all")
DISTRIBUTIONS = ("auto", "pm1", "01", "generator", "family")


class Enumerated(Protocol):
    """A distribution D made of every instance of a finite set (given a size n), uniformly."""

    def members(self, n: int) -> list[Any]:
        """Every instance at size n, in a fixed order."""
        ...

    def numbers(self, n: int) -> tuple[tuple[str, Any], ...]:
        """The numbers that name D at size n in a case beside one of its members (read back by the
        facet's `members_of`)."""
        ...

    def what(self, n: int, count: int) -> str:
        """D at size n, of `count` instances, in words."""
        ...

    # A distribution may set `sample = True`: its members are a seeded sample of a larger law (a
    # generator), so the moments are judged within their standard errors over that law (see `_Sampled`).


class AccuracyFacet(Protocol):
    """What accuracy needs of a domain: the distributions D it offers besides `family` (the seeded
    family of the domain's strategy instances, which every domain offers)."""

    auto: str
    """The distribution that `auto` stands for on this domain."""

    enumerated: Mapping[str, Enumerated]
    """The enumerated distributions it offers, by name (none on most domains)."""

    def members_of(self, example: Any, numbers: Mapping[str, Any]) -> list[Any] | None:
        """Every member of the enumerated distribution that a case names by one member and its numbers, or
        None when the numbers name none (the case then lists the members of D)."""
        ...


class FamilyOnly:
    """The facet of a domain whose only distribution is `family`."""

    auto = "family"
    enumerated: Mapping[str, Enumerated] = {}

    def members_of(self, example: Any, numbers: Mapping[str, Any]) -> list[Any] | None:
        return None


class AccuracyOutcome(ReportedOutcome):
    """An outcome over the whole of D, with the exact report (OLS beta, R^2, mean error, moments)."""


@dataclass(frozen=True)
class _Sums:
    """Exact sums over D of Y, G, f and their products (every value a Fraction)."""

    count: int
    y: Fraction
    g: Fraction
    yy: Fraction
    gg: Fraction
    yg: Fraction
    yf: Fraction  # f = G(Y | Pi_0), zero when the coarser feature is not asked for
    gf: Fraction

    @classmethod
    def of(cls, tally: Counter[tuple[Fraction, Fraction, Fraction]]) -> _Sums:
        """The sums from a tally of (Y, G, f) values (many instances share them: far fewer operations)."""
        terms = [Fraction(0)] * 7
        for (y, g, f), k in tally.items():
            for i, v in enumerate((y, g, y * y, g * g, y * g, y * f, g * f)):
                terms[i] += k * v
        return cls(sum(tally.values()), *terms)

    def mean(self, total: Fraction) -> Fraction:
        return total / self.count


class Accuracy(PropertyBase):
    """E_D[(Y - G(Y | Pi)) f] = 0 for every feature f in S, over a finite distribution D of instances."""

    name: ClassVar[str] = "accuracy"
    code: ClassVar[str] = "D11"
    parameters: ClassVar[dict[str, Parameter]] = {
        "feature": Parameter(str, "all", "the features f: one, self, coarser or all", FEATURES),
        "distribution": Parameter(str, "auto", "D: pm1 or 01 (every n x n matrix; permanent), generator "
                                  "(networks of the research generator; mlp), family (a seeded family of strategy "
                                  "instances) or auto", DISTRIBUTIONS),
        "n": Parameter(int, 3, "matrix size for pm1 and 01 (2^(n^2) matrices); network depth for generator",
                       (1, 2, 3, 4)),
        "arguments": Parameter(str, "default", "Pi: comma-separated atom texts, 'default' (the estimator's "
                               "default_arguments) or 'none'"),
        "coarser": Parameter(str, "none", "Pi_0, a subset of Pi, for the coarser feature: atom texts or 'none'"),
        "instances": Parameter(int, 200, "size of the family D (distribution family)"),
        "family_seed": Parameter(int, 0, "Hypothesis seed that draws the family D"),
        **TOLERANCE_PARAMETERS,
    }

    def applies(self, estimator: Any, domain: str) -> str | None:
        reason = super().applies(estimator, domain)
        if reason is not None:
            return reason
        chosen = self._distribution(domain)
        if chosen != "family" and chosen not in self._enumerated(domain):
            where = " and ".join(sorted(d for d in self.defined_on() if chosen in self._enumerated(d)))
            return f"distribution {chosen!r} is not offered on the {domain} domain: it is defined on the {where} " \
                   f"domain only"
        return None

    # ------------------------------------------------------------------ the checker's routes

    def space(self, domain: str, estimator: Any) -> CaseSpace:
        """One case standing for all of D: decided exactly, in one evaluation, whatever the engine.
        (The population is drawn here, outside any engine's Hypothesis run.)"""
        pi, pi0 = self._argument_sets(domain, estimator)
        population = self._population(domain)
        whole = self._describe(domain, population, pi, pi0, ("first", population[0]))
        return CaseSpace(domain, finite=Enumeration(self._what(domain, len(population)), lambda: iter([(0, whole)]),
                                                    instances=len(population)))

    def evaluate(self, case: Case, call: Call) -> Outcome:
        """The exact outcome over D; its witness names D by the instance with the largest |Y - G|."""
        example = case.instances[0][1]
        facet: AccuracyFacet = self.facet(example.domain)
        population = facet.members_of(example, dict(case.numbers))
        if population is None:
            population = [x for _, x in case.instances]
        pi, pi0 = case.args("Pi"), case.args("Pi0")
        outcome, largest = self._decide(example.domain, population, pi, pi0, call)
        shown = self._describe(example.domain, population, pi, pi0, ("largest-error", largest or population[0]))
        return replace(outcome, witness=shown)

    # ------------------------------------------------------------------ D, Pi and Pi_0

    def _enumerated(self, domain: str) -> Mapping[str, Enumerated]:
        facet: AccuracyFacet = self.facet(domain)
        return facet.enumerated

    def _distribution(self, domain: str) -> str:
        chosen = self.params["distribution"]
        if chosen == "auto":
            facet: AccuracyFacet = self.facet(domain)
            return facet.auto
        return str(chosen)

    def _population(self, domain: str) -> list[Any]:
        chosen, enumerated = self._distribution(domain), self._enumerated(domain)
        if chosen in enumerated:
            return enumerated[chosen].members(self.params["n"])
        if self.params["instances"] < 1:
            raise InvalidOption(f"parameter instances={self.params['instances']!r} of property 'accuracy': "
                                f"expected at least 1")
        return _family(domain, self.params["instances"], self.params["family_seed"])

    def _argument_sets(self, domain: str, estimator: Any) -> tuple[Arguments, Arguments]:
        text = self.params["arguments"].strip()
        if text == "default":
            pi = Arguments(parse_atom(domain, t) for t in Capabilities.of(estimator).default_arguments)
        else:
            pi = parse_atoms(domain, text)
        pi0 = parse_atoms(domain, self.params["coarser"])
        if self.params["feature"] in ("coarser", "all") and not pi0 <= pi:
            raise InvalidOption(f"parameter coarser={self.params['coarser']!r} of property 'accuracy': Pi_0 must be "
                                f"a subset of Pi = {pi.text()}")
        return pi, pi0

    def _features(self) -> tuple[str, ...]:
        feature = self.params["feature"]
        return ("one", "self", "coarser") if feature == "all" else (feature,)

    def _describe(self, domain: str, population: list[Any], pi: Arguments, pi0: Arguments,
                  example: tuple[str, Any]) -> Case:
        """D as a case: an enumerated D by one of its members (for its size and the domain) and its numbers,
        a family by all of its members."""
        chosen, enumerated = self._distribution(domain), self._enumerated(domain)
        args = (("Pi", pi), ("Pi0", pi0))
        if chosen in enumerated:
            numbers = enumerated[chosen].numbers(self.params["n"]) + (("instances", len(population)),)
            return Case((example,), args, numbers)
        named = tuple((f"d{k + 1}", x) for k, x in enumerate(population))
        return Case(named, args, (("instances", len(population)), ("family_seed", self.params["family_seed"])))

    def _what(self, domain: str, count: int) -> str:
        chosen, enumerated = self._distribution(domain), self._enumerated(domain)
        if chosen in enumerated:
            return enumerated[chosen].what(self.params["n"], count)
        return f"a family of {count} {domain} instances (seed {self.params['family_seed']})"

    # ------------------------------------------------------------------ the computation

    def _decide(self, domain: str, population: list[Any], pi: Arguments, pi0: Arguments,
                call: Call) -> tuple[AccuracyOutcome, Any]:
        """The exact moments and report over D; also the instance with the largest |Y - G|."""
        features = self._features()
        tally: Counter[tuple[Fraction, Fraction, Fraction]] = Counter()  # (Y, G, f) -> how many instances
        rows: list[tuple[float, float, float, float]] = []  # (Y, its standard error, G, f), in floats
        excluded, exact = 0, True
        largest, largest_error = None, Fraction(-1)
        for index, x in enumerate(population):
            pi.check(x)
            try:
                estimate = call(x, pi)
                feature = call(x, pi0) if "coarser" in features else Estimate(0)
            except NotApplicable:
                excluded += 1
                continue
            noise = estimate.stderr or feature.stderr
            if noise:
                why = (f"accuracy is decided over all of D, and {call.estimator.name}'s estimates are random "
                       f"(stderr {noise:.3g} on an instance): E_D[(Y - G) G] would carry the estimator's "
                       f"own noise, and per-instance tests check Y = G, which D11 does not ask")
                return AccuracyOutcome(None, None, 0.0, 0.0, applicable=False, detail=why), None
            # the exact truth, or where it is out of reach a Monte Carlo one (a seed per member: independent noise)
            ref = reference_truth(x, pi, seed=DEFAULT_TRUTH_SEED + index)
            y, g = _rational(ref.value), _rational(estimate.value)
            exact = exact and _is_rational(estimate.value) and _is_rational(feature.value)
            tally[y, g, _rational(feature.value)] += 1
            rows.append((to_float(ref.value), ref.stderr, to_float(estimate.value), to_float(feature.value)))
            if abs(y - g) > largest_error:
                largest, largest_error = x, abs(y - g)
        what = self._what(domain, len(population))
        if not tally:
            why = f"{call.estimator.name} is outside its domain on every instance of D ({what})"
            return AccuracyOutcome(None, None, 0.0, 0.0, applicable=False, detail=why), None
        sampled = bool(getattr(self._enumerated(domain).get(self._distribution(domain)), "sample", False))
        if sampled or any(stderr > 0 for _, stderr, _, _ in rows):
            return self._conclude_sampled(_Sampled(rows, sampled), features, what, excluded, pi, pi0), largest
        sums = _Sums.of(tally)
        return self._conclude(sums, features, exact, what, excluded, pi, pi0), largest

    def _conclude(self, s: _Sums, features: tuple[str, ...], exact: bool, what: str, excluded: int,
                  pi: Arguments, pi0: Arguments) -> AccuracyOutcome:
        sides = {  # feature -> (E[Y f], E[G f])
            "one": (s.mean(s.y), s.mean(s.g)),
            "self": (s.mean(s.yg), s.mean(s.gg)),
            "coarser": (s.mean(s.yf), s.mean(s.gf)),
        }
        judged = [self._judge(name, *sides[name], exact) for name in features]
        worst = max(judged, key=lambda j: (j.fails, j.ratio))
        report = _report(s, {j.feature: j.lhs - j.rhs for j in judged})
        report.update(distribution=what, excluded=excluded, arguments=pi.text(), coarser_arguments=pi0.text(),
                      estimates_exact=exact, worst_feature=worst.feature)
        labels = {"one": "1", "self": "G(Y | Pi)", "coarser": f"G(Y | Pi_0 = {pi0.text()})"}
        fit = (f"OLS beta = {_text(report['beta'])}, R^2 = {_text(report['r_squared'])}, "
               f"mean error E[Y - G] = {_text(report['mean_error'])}")
        where = what + (f", {excluded} outside the estimator's domain left out" if excluded else "") + \
            f", Pi = {pi.text()}"
        if worst.fails:
            bad = "; ".join(f"f = {labels[j.feature]}: {j.lhs - j.rhs}" for j in judged if j.fails)
            detail = f"E_D[(Y - G) f] != 0 over {where}: {bad}; {fit}"
        else:
            how = "exactly" if not any(j.gap for j in judged) else \
                f"within tolerance {worst.tolerance:.3g} (float estimates)"
            held = ", ".join(labels[j.feature] for j in judged)
            detail = f"E_D[(Y - G) f] = 0 {how} for f in {{{held}}} over {where}; {fit}"
        return AccuracyOutcome(worst.lhs, worst.rhs, worst.gap, worst.tolerance, "=", detail=detail, report=report)

    def _judge(self, feature: str, lhs: Fraction, rhs: Fraction, exact: bool) -> _Judged:
        """E[Y f] = E[G f]: exactly when every estimate was rational, else under the tolerance model."""
        gap = float(abs(lhs - rhs))
        tol = 0.0 if exact else tolerance(self.params, lhs, rhs)
        ratio = gap / tol if tol else (math.inf if gap else 0.0)
        return _Judged(gap > tol, ratio, feature, lhs, rhs, gap, tol)


    def _conclude_sampled(self, s: _Sampled, features: tuple[str, ...], what: str, excluded: int,
                          pi: Arguments, pi0: Arguments) -> AccuracyOutcome:
        """E_D[(Y - G) f] = 0 judged within Z_CRITICAL standard errors (plus the tolerance model)."""
        labels = {"one": "1", "self": "G(Y | Pi)", "coarser": f"G(Y | Pi_0 = {pi0.text()})"}
        judged = []
        for name in features:
            lhs, rhs, se = s.moment(name)
            tol = Z_CRITICAL * se + tolerance(self.params, lhs, rhs)
            gap = abs(lhs - rhs)
            judged.append((gap > tol, gap / tol if tol else math.inf, name, lhs, rhs, gap, tol, se))
        worst = max(judged, key=lambda j: (j[0], j[1]))
        report = s.report()
        report.update(distribution=what, excluded=excluded, arguments=pi.text(), coarser_arguments=pi0.text(),
                      estimates_exact=False, worst_feature=worst[2],
                      moments={j[2]: {"value": j[3] - j[4], "stderr": j[7]} for j in judged})
        fit = (f"OLS beta = {_pm(report['beta'])}, R^2 = {_pm(report['r_squared'])}, "
               f"mean error E[Y - G] = {_pm(report['mean_error'])}")
        over = "the law it samples" if s.sampled else "D"
        where = what + (f", {excluded} outside the estimator's domain left out" if excluded else "") + \
            f", Pi = {pi.text()}; truth: {report['truth']}"
        if worst[0]:
            bad = "; ".join(f"f = {labels[j[2]]}: {j[3] - j[4]:.6g} +- {j[7]:.3g}" for j in judged if j[0])
            detail = f"E[(Y - G) f] != 0 over {over} (beyond {Z_CRITICAL} standard errors) from {where}: {bad}; {fit}"
        else:
            held = ", ".join(labels[j[2]] for j in judged)
            detail = (f"E[(Y - G) f] = 0 within {Z_CRITICAL} standard errors for f in {{{held}}} over {over}, from "
                      f"{where}; {fit}")
        return AccuracyOutcome(worst[3], worst[4], worst[5], worst[6], "=", stderr=None, detail=detail, report=report,
                               standing=Verdict.NOT_REFUTED)  # judged within standard errors: no proof


Z_CRITICAL = 3.29  # two-sided, alpha = 0.001 (the statistical verdicts' family error rate)


@dataclass(frozen=True)
class _Sampled:
    """Per-instance (Y, standard error of Y, G, f) in floats, for moments with standard errors.

    `sampled`: D is a sample of a larger law, so a moment's standard error is the spread of its terms
    over the sample (which includes the truth's own noise); otherwise D is the finite family itself and
    only the Monte Carlo truths are random: the standard error is sqrt(sum f_i^2 se_i^2) / N."""

    rows: list[tuple[float, float, float, float]]
    sampled: bool

    def _columns(self) -> tuple[Any, Any, Any, Any]:
        import numpy as np

        a = np.array(self.rows, dtype=float)
        return a[:, 0], a[:, 1], a[:, 2], a[:, 3]

    def moment(self, feature: str) -> tuple[float, float, float]:
        """(E[Y f], E[G f], the standard error of their difference)."""
        import numpy as np

        y, se, g, f0 = self._columns()
        f = {"one": np.ones_like(y), "self": g, "coarser": f0}[feature]
        n = len(y)
        terms = (y - g) * f
        if self.sampled:
            spread = float(terms.std(ddof=1)) / math.sqrt(n) if n > 1 else math.inf
        else:
            spread = float(np.sqrt(np.sum((f * se) ** 2))) / n
        return float(np.mean(y * f)), float(np.mean(g * f)), spread

    def report(self) -> dict[str, Any]:
        """OLS of Y on G with its standard errors (R^2's by the delta method, Olkin and Finn 1995)."""
        import numpy as np

        y, se, g, _ = self._columns()
        n = len(y)
        e = y - g
        out: dict[str, Any] = {"instances_used": n,
                               "mean_error": _se(float(e.mean()), float(e.std(ddof=1)) / math.sqrt(n) if n > 1 else None),
                               "mean_squared_error": float(np.mean(e * e)),
                               "mean_truth": float(y.mean()), "mean_estimate": float(g.mean()),
                               "truth": (f"Monte Carlo, largest standard error {float(se.max()):.3g}"
                                         if se.max() > 0 else "exact")}
        var_g, var_y = float(g.var()), float(y.var())
        if n < 3 or var_g == 0 or var_y == 0:
            out.update(beta=None, intercept=None, r_squared=None)
            return out
        cov = float(np.mean((y - y.mean()) * (g - g.mean())))
        beta = cov / var_g
        intercept = float(y.mean()) - beta * float(g.mean())
        residual = y - intercept - beta * g
        beta_se = math.sqrt(float(np.sum(residual ** 2)) / (n - 2) / (n * var_g))
        r2 = cov * cov / (var_y * var_g)
        out.update(beta=_se(beta, beta_se), intercept=intercept,
                   r_squared=_se(r2, math.sqrt(4 * r2 * (1 - r2) ** 2 / n)))
        return out


def _se(value: float, stderr: float | None) -> dict[str, Any]:
    return {"value": value, "stderr": stderr}


def _pm(node: dict[str, Any] | None) -> str:
    if node is None:
        return "undefined"
    return f"{node['value']:.6g}" + ("" if node["stderr"] is None else f" +- {node['stderr']:.3g}")


class _Judged(NamedTuple):
    fails: bool
    ratio: float
    feature: str
    lhs: Fraction  # E_D[Y f]
    rhs: Fraction  # E_D[G f]
    gap: float
    tolerance: float


def _report(s: _Sums, moments: dict[str, Fraction]) -> dict[str, Any]:
    """The OLS fit of Y on G (with intercept) and the error statistics, as exact numbers."""
    mean_y, mean_g = s.mean(s.y), s.mean(s.g)
    var_y, var_g = s.mean(s.yy) - mean_y**2, s.mean(s.gg) - mean_g**2
    cov = s.mean(s.yg) - mean_y * mean_g
    beta = cov / var_g if var_g else None
    r_squared = cov * cov / (var_y * var_g) if var_g and var_y else None
    return {
        "instances_used": s.count,
        "beta": _number(beta),
        "intercept": _number(mean_y - beta * mean_g if beta is not None else None),
        "r_squared": _number(r_squared),
        "mean_error": _number(mean_y - mean_g),
        "mean_squared_error": _number(s.mean(s.yy - 2 * s.yg + s.gg)),
        "mean_truth": _number(mean_y),
        "mean_estimate": _number(mean_g),
        "var_truth": _number(var_y),
        "var_estimate": _number(var_g),
        "covariance": _number(cov),
        "moments": {name: _number(m) for name, m in moments.items()},
    }


def _number(value: Fraction | None) -> dict[str, Any] | None:
    return None if value is None else {"value": float(value), "exact": str(value)}


def _text(node: dict[str, Any] | None) -> str:
    return "undefined" if node is None else str(node["exact"])


def _is_rational(value: Any) -> bool:
    return isinstance(value, (int, Fraction)) and not isinstance(value, bool)


def _rational(value: Any) -> Fraction:
    """The exact rational value of an int, a Fraction or a float (a float's binary value, exactly)."""
    return Fraction(value) if isinstance(value, (int, Fraction)) else Fraction(to_float(value))


# --------------------------------------------------------------------------- populations


def _family(domain: str, count: int, seed: int, **limits: Any) -> list[Any]:
    """The first `count` instances the domain's strategy (with `limits`) generates with Hypothesis seed `seed`
    (duplicates kept)."""
    drawn: list[Any] = []
    strategy = get_domain(domain).instances(**limits)

    @hseed(seed)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(x: Any) -> None:
        drawn.append(x)

    collect()
    return drawn[:count]


def parse_atoms(domain: str, text: str) -> Arguments:
    """An argument set from atom texts separated by commas, semicolons or spaces ('none' or '' is empty).

    A comma-separated piece that does not start with an atom kind continues the atom before it,
    so `keep:g1,g2,order:2` is two atoms.
    """
    text = text.strip()
    if text in ("", "none"):
        return EMPTY
    kinds = atom_kinds(domain)
    pieces: list[str] = []
    for token in re.split(r"[;\s]+", text):
        for part in token.split(","):
            if not part:
                continue
            if pieces and part.partition(":")[0] not in kinds:
                pieces[-1] += "," + part
            else:
                pieces.append(part)
    return Arguments(parse_atom(domain, p) for p in pieces)


__all__ = ["Accuracy", "AccuracyFacet", "AccuracyOutcome", "Enumerated", "FamilyOnly", "parse_atoms"]
