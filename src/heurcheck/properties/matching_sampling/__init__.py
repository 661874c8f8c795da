"""matching-sampling (D12): R = mean(err^2) mean(C) / (mean(V) T) <= kappa, at every effort level.

The statement (ARC, "Competing with sampling", 2025): for Y = E_x[M(c, x)] with a random context c
(random weights, a random instance), a mechanistic estimator G should reach mean squared error
E_c[(G - E_x M)^2] <= eps^2 E_c[Var_x M] in time O(eps^-2 Time(M)): the error Monte Carlo gets with
eps^-2 samples, at the same cost. R < 1 beats sampling; Monte Carlo itself has R ~ 1 at every effort.

The statistic, over m contexts c_1..c_m drawn from the domain's generator (seeded, `context_seed`)
and at each level of the estimator's effort knob (the option it declares as `effort`, e.g. `samples`
of `sampling`, `order` of `cumulant`; one level, its own setting, when it declares none):
- err_i = G(c_i) - Y(c_i), where Y is exact when the domain gives it, else Monte Carlo with
  `truth_samples` draws, whose squared standard error is subtracted from err_i^2;
- V_i = Var_x M(c_i, x) (exact on circuits and boolean circuits, estimated from the truth's samples on
  MLPs); T = the mean cost of one sample of M; C_i = the estimator's cost on c_i;
- R = mean(err_i^2) mean(C_i) / (mean(V_i) T), with a paired bootstrap interval (`bootstrap`
  resamples of the contexts, the same for every term; studentized on the log scale with the
  delta-method standard error, which carries the skew of a mean of squared errors), Holm's step-down
  over the levels at family level `alpha`: beats sampling (interval below `kappa`), violated (above),
  otherwise inconclusive;
  inconclusive too when the truth's own error is more than a tenth of the mean squared error;
- the floor: over the grid `eps`, the smallest eps whose eps^2 mean(V) bounds some level's MSE (upper
  bound of its interval); smaller eps that no level reaches are listed, never counted as passes;
- mechanistic: the estimator is run twice on c_1 under different global random states (numpy's and
  Python's); a result that differs, or a declared randomised estimator, is reported as sampling-based.

Cost (`cost`): `flops` counts operations, the same on any machine. A traceable estimator runs on
counted numbers (heurcheck.numbers.Counted): one operation per +, -, *, / on its parameters or on
numbers computed from them (operations between two constants of the code are folded away), and at
least one per estimate (an estimator that returns a constant does no counted arithmetic). A Monte
Carlo estimator that declares `samples_drawn` costs that many samples of M. An estimator computing
through `flopscope.numpy` or through `heurcheck.array_namespace.np` (declaring `counts_with =
"flopscope"`: `mean` and `covariance`, on MLPs) is counted by flopscope, one sample of M too (the
facet's `forward` in flopscope's namespace), and the finding records flopscope's version (its
prices change between versions); flopscope has no erf, so erf is not counted. Otherwise the cost falls back to wall
time, and the report says so (`cost_source`); `time` times every estimate and the sample (Monte
Carlo over 4096 draws per context, divided by 4096). One sample of M costs, in operations: one per
input drawn and per gate of a circuit or boolean circuit; on an MLP, 2 fan_in + 1 per unit (the
matmul, the bias, the activation) and 2 per readout entry less one; on a permanent (Glynn's
estimator), n draws, n (2n - 1) for A x, and 2 (n - 1) + 1 for the products.

Verdicts: violated when some level is violated; statistically-consistent when some level beats
sampling and none is violated; inconclusive otherwise (an interval covering kappa is the expected
result for Monte Carlo itself). When `cost=flops` finds no way to count (the estimator is neither
traceable nor computing through flopscope.numpy, nor declaring its samples), R is measured in
seconds and shown, but every level is inconclusive: wall time is not comparable across machines;
`cost=time` asks for verdicts in seconds. The finding carries R with its interval per level, the floor, the
curve of MSE against cost (`heurcheck plot FINDING.json` draws it), and the cost's source.
Caveats: the cost counts arithmetic, not memory traffic; contexts come from one generator (the
claim is about that distribution only); a small m gives wide intervals; float estimates on
Monte Carlo truth cannot show R below the truth's own error. The interval is only as good as the
bootstrap over m contexts: when M is heavy-tailed (Glynn's estimator of a permanent, products of
Gaussians), a randomised estimator's squared errors are dominated by rare draws that m contexts
may not contain, and its R comes out low. Measured with Monte Carlo against itself over context
seeds 0-9 (`sampling`, its four levels): never violated; judged to beat sampling (an interval
below 1) on 0 of 10 seeds on circuits (m = 32 and 64), 1 of 10 on boolean circuits (m = 32 and
64) and on MLPs (m = 32, width 8, depth 2), 2 of 10 on permanents with m = 32 and 1 of 10 with
m = 128, against about 0.5 of 10 expected at alpha = 0.05. Use a larger m before trusting a
randomised estimator's "beats sampling". (Hafnians are not offered: there Monte
Carlo beat itself at 16 samples with m = 32.)
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar, NamedTuple, Protocol

import numpy as np

from ...arguments import EMPTY, Arguments
from ...array_namespace import flopscope_namespace
from ...domains import get_domain, parse_atom
from ...errors import InvalidOption
from ...estimators.base import Capabilities
from ...findings import Verdict
from ...numbers import OperationCount, to_float
from ..base import Call, Case, EstimatorFailure, NotApplicable, Outcome, Parameter, PropertyBase, ReportedOutcome
from ..space import CaseSpace, Enumeration
from .statistic import BEATS, INCONCLUSIVE, VIOLATED, Judged, Level, floor, judge

COSTS = ("flops", "time")
TIMING_SAMPLES = 4096  # draws of the Monte Carlo that times one sample of M (cost=time)


class Reference(NamedTuple):
    """The truth on one context: Y, its standard error (0 when exact) and Var_x M."""

    value: float
    stderr: float
    variance: float


class MatchingSamplingFacet(Protocol):
    """What matching-sampling needs of a domain."""

    def contexts(self, m: int, seed: int, params: Mapping[str, Any]) -> list[Any]:
        """m random contexts from the domain's generator, the same for the same seed and parameters."""
        ...

    def describe(self, params: Mapping[str, Any]) -> str:
        """The contexts' distribution in words."""
        ...

    def reference(self, x: Any, samples: int, seed: int) -> Reference:
        """Y, its standard error and Var_x M on context x (Monte Carlo with `samples` draws where not exact)."""
        ...

    def sample_cost(self, x: Any) -> int:
        """The operations of one sample of M on context x (counted as the estimators' operations are)."""
        ...

    def forward(self, x: Any, xp: Any) -> Any:
        """One sample of M on context x computed with the array namespace xp (numpy's functions: flopscope
        counts it when xp is flopscope.numpy); raises NotImplementedError where the domain has none."""
        ...


class MatchingSampling(PropertyBase):
    """R = mean(err^2) mean(C) / (mean(V) T) <= kappa at every effort level: no worse than Monte Carlo at equal cost."""

    name: ClassVar[str] = "matching-sampling"
    code: ClassVar[str] = "D12"
    parameters: ClassVar[dict[str, Parameter]] = {
        "m": Parameter(int, 32, "number of random contexts"),
        "context_seed": Parameter(int, 0, "seed of the contexts' generator"),
        "kappa": Parameter(float, 1.0, "the bar: R <= kappa is no worse than sampling"),
        "alpha": Parameter(float, 0.05, "family level of the intervals (Holm over the effort levels)"),
        "cost": Parameter(str, "flops", "flops (counted operations where countable, else time) or time", COSTS),
        "bootstrap": Parameter(int, 2000, "bootstrap resamples of the contexts"),
        "truth_samples": Parameter(int, 16384, "Monte Carlo draws of the truth where it is not exact"),
        "effort": Parameter(str, "declared", "the effort grid: 'declared' (the estimator's) or values separated "
                            "by commas"),
        "eps": Parameter(str, "1,0.5,0.2,0.1,0.05,0.02,0.01", "the grid of eps for the floor"),
        "width": Parameter(int, 16, "mlp contexts: width"),
        "depth": Parameter(int, 3, "mlp contexts: number of layers"),
        "activation": Parameter(str, "relu", "mlp contexts: activation"),
        "gates": Parameter(int, 12, "circuit contexts: gates of a random layered circuit"),
        "max_gates": Parameter(int, 8, "boolean contexts: largest number of gates"),
        "n": Parameter(int, 6, "permanent contexts: matrix order"),
    }

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        p = self.params
        for name, low in (("m", 2), ("bootstrap", 100), ("truth_samples", 2), ("width", 1), ("depth", 1),
                          ("gates", 1), ("max_gates", 0), ("n", 1)):
            if p[name] < low:
                raise _bad(name, p[name], f"an integer >= {low}")
        if not 0 < p["alpha"] < 1:
            raise _bad("alpha", p["alpha"], "a number strictly between 0 and 1")
        if not (p["kappa"] > 0 and math.isfinite(p["kappa"])):
            raise _bad("kappa", p["kappa"], "a finite number > 0")
        self.eps_grid = _eps_grid(p["eps"])

    def space(self, domain: str, estimator: Any) -> CaseSpace:
        """One case standing for the m contexts (named by the first and the generator's numbers)."""
        facet: MatchingSamplingFacet = self.facet(domain)
        first = facet.contexts(1, self.params["context_seed"], self.params)[0]
        case = Case((("c1", first),), (), (("m", self.params["m"]), ("context_seed", self.params["context_seed"])))
        what = f"{self.params['m']} contexts: {facet.describe(self.params)}"
        return CaseSpace(domain, finite=Enumeration(what, lambda: iter([(0, case)]), instances=self.params["m"]))

    def evaluate(self, case: Case, call: Call) -> Outcome:
        domain = case.instances[0][1].domain
        facet: MatchingSamplingFacet = self.facet(domain)
        p = self.params
        contexts = facet.contexts(p["m"], p["context_seed"], p)
        estimator = call.estimator
        caps = Capabilities.of(estimator)
        knob, grid = self._grid(caps)
        refs = [facet.reference(x, p["truth_samples"], _seed(p["context_seed"], -1 % 2**32, i))
                for i, x in enumerate(contexts)]
        meter = _Meter(self, facet, caps, contexts[0], call, domain)
        values = np.full((len(grid), len(contexts)), math.nan)
        costs = np.full((len(grid), len(contexts)), math.nan)
        excluded: set[int] = set()
        for li, level in enumerate(grid):
            for i, x in enumerate(contexts):
                if i in excluded:
                    continue
                at = _at_effort(call, caps, knob, level, _seed(p["context_seed"], li, i))
                meter.knob, meter.level = knob, level
                try:
                    values[li, i], costs[li, i] = meter.run(at, x)
                except NotApplicable:
                    excluded.add(i)
        kept = [i for i in range(len(contexts)) if i not in excluded]
        if len(kept) < 2:
            why = f"{caps.name} is outside its domain on {len(excluded)} of the {len(contexts)} contexts"
            return ReportedOutcome(None, None, 0.0, 0.0, applicable=False, detail=why)
        truth = np.array([refs[i].value for i in kept])
        truth_var = np.array([refs[i].stderr ** 2 for i in kept])
        var = np.array([refs[i].variance for i in kept])
        sample_cost = np.array([meter.sample_cost(contexts[i]) for i in kept])
        levels = []
        for li, level in enumerate(grid):
            raw = (values[li, kept] - truth) ** 2
            levels.append(Level(_label(knob, level), raw - truth_var, raw, truth_var, costs[li, kept]))
        judged = judge(levels, var, sample_cost, p["kappa"], p["alpha"], p["bootstrap"], p["context_seed"])
        if meter.fallback:  # seconds stand in for operations that could not be counted: R is shown, not judged
            judged = [replace(j, verdict=INCONCLUSIVE, why="cost in wall time because operations could not be "
                              "counted: R is machine-dependent, so no verdict (-P cost=time judges in seconds)")
                      for j in judged]
        mechanistic = not caps.randomised and _same_under_reseeding(estimator, contexts[kept[0]], meter.pi)
        return self._outcome(judged, var, sample_cost, meter, mechanistic, caps, len(kept), len(excluded), facet)

    def _grid(self, caps: Capabilities) -> tuple[str | None, tuple[Any, ...]]:
        text = self.params["effort"].strip()
        if caps.effort is None:
            return None, (None,)
        knob, declared = caps.effort
        if text in ("", "declared"):
            return knob, declared
        return knob, tuple(_option_value(caps, knob, t.strip()) for t in text.split(",") if t.strip())

    def _outcome(self, judged: list[Judged], var: np.ndarray, sample_cost: np.ndarray, meter: _Meter,
                 mechanistic: bool, caps: Capabilities, used: int, excluded: int,
                 facet: MatchingSamplingFacet) -> Outcome:
        p = self.params
        kappa = p["kappa"]
        best, missed = floor(judged, float(var.mean()), self.eps_grid)
        violated = [j for j in judged if j.verdict == VIOLATED]
        beats = [j for j in judged if j.verdict == BEATS]
        rows = "; ".join(f"{j.label}: R = {j.r:.3g} [{j.lower:.3g}, {j.upper:.3g}] {j.verdict}" for j in judged)
        unit = "counted operations" if meter.unit == "operations" else "seconds (wall time: machine-dependent)"
        floor_text = f"floor eps = {best:g}" if best is not None else "no eps of the grid reached"
        if missed:
            floor_text += f" (not reached: {', '.join(f'{e:g}' for e in missed)})"
        kind = "mechanistic" if mechanistic else "sampling-based"
        detail = (f"R vs kappa = {kappa:g} over {used} contexts, cost in {unit} ({meter.source}): {rows}; "
                  f"{floor_text}; {kind}")
        worst = max(judged, key=lambda j: j.r if math.isfinite(j.r) else -math.inf)
        violation = max((j.lower - kappa for j in violated), default=0.0)
        standing = None if violated else Verdict.STATISTICALLY_CONSISTENT if beats else Verdict.INCONCLUSIVE
        v_lo, v_hi = _mean_interval(var, p["bootstrap"], p["context_seed"], 1 - p["alpha"])
        report = {
            "statistic": "R = mean(err^2) mean(C) / (mean(V) T)",
            "contexts": used, "excluded": excluded, "distribution": facet.describe(p), "kappa": kappa,
            "alpha": p["alpha"], "cost": meter.unit, "cost_source": meter.source, "flopscope": meter.flopscope,
            "sample_cost": float(sample_cost.mean()), "mean_variance": float(var.mean()),
            "mean_variance_interval": [v_lo, v_hi],
            "levels": [{"effort": j.label, "R": _finite(j.r), "lower": _finite(j.lower), "upper": _finite(j.upper),
                        "confidence": j.confidence, "p_value": j.p_value, "verdict": j.verdict, "why": j.why,
                        "mse": j.mse, "mean_cost": j.mean_cost, "truth_share": _finite(j.truth_share)}
                       for j in judged],
            "floor": best, "eps_not_reached": missed, "mechanistic": mechanistic, "randomised": caps.randomised,
        }
        return ReportedOutcome(worst.r, kappa, violation, 0.0, "<=", detail=detail, standing=standing,
                               report=report)


class _Meter:
    """Runs the estimator on one context and measures its cost, the way the check's cost mode says."""

    def __init__(self, prop: MatchingSampling, facet: MatchingSamplingFacet, caps: Capabilities, probe: Any,
                 call: Call, domain: str) -> None:
        self.facet, self.caps, self.call, self.domain = facet, caps, call, domain
        # the estimator's declared default arguments (facts it reads, on permanents); none elsewhere
        self.pi = Arguments(parse_atom(domain, t) for t in caps.default_arguments)
        self.timed_samples: dict[int, float] = {}
        self.flopscope: str | None = None  # its version, when it counts
        self.knob: str | None = None  # the effort option and the level being run (see `run`)
        self.level: Any = None
        self.unit, self.source = "seconds", "wall time of each estimate"
        self.fallback = prop.params["cost"] == "flops"  # until a way to count is found below
        if not self.fallback:
            return
        if caps.draws_samples:
            self.unit, self.source = "operations", "samples drawn (declared by the estimator) x the cost of one sample"
            self.fallback = False
            return
        failed = ""
        if caps.traceable:
            try:
                self._counted(probe)
            except (EstimatorFailure, NotApplicable) as exc:
                failed = f"counting its operations on counted numbers failed ({exc})"
            else:
                self.unit, self.source = "operations", "arithmetic operations counted on counted numbers"
                self.fallback = False
                return
        if caps.flopscope:
            try:
                self.flopscope = flopscope_version()
            except ImportError:
                self.source = ("wall time of each estimate: flopscope, which would count its operations, is not "
                               "installed (pip install 'heurcheck[flops]')")
                return
            self.unit, self.source = "operations", f"floating-point operations counted by flopscope {self.flopscope}"
            self.fallback = False
            return
        self.source = "wall time of each estimate: " + (failed or "its operations cannot be counted (it is not "
                                                        "traceable and does not compute through flopscope.numpy)")

    def _counted(self, x: Any) -> int:
        tally = OperationCount()
        self.call(x.map_numbers(tally.wrap), self.pi)
        return tally.operations

    def run(self, estimator: Any, x: Any) -> tuple[float, float]:
        """The estimate on context x (floats) and its cost."""
        call = Call(estimator, exact=False, timeout=self.call.timeout)
        start = time.perf_counter()
        value = to_float(call(x, self.pi).value)
        seconds = time.perf_counter() - start
        if self.unit == "seconds":
            return value, seconds
        if self.caps.draws_samples:
            if self.knob is not None and getattr(estimator, self.knob, None) != self.level:
                # the object answering samples_drawn was not built at this level (a stand-in for an estimator
                # run elsewhere): its declared samples would be another level's
                raise EstimatorFailure("type", f"samples_drawn cannot be read at {self.knob}={self.level}: the "
                                       f"estimator's {self.knob} attribute is {getattr(estimator, self.knob, None)!r}",
                                       x, EMPTY)
            return value, float(estimator.samples_drawn(x)) * self.sample_cost(x)
        if self.flopscope is not None:
            return value, float(max(1, flops_of(lambda: call(x, self.pi))))
        counted = Call(estimator, timeout=self.call.timeout)
        tally = OperationCount()
        counted(x.map_numbers(tally.wrap), self.pi)
        return value, float(max(1, tally.operations))  # an answer costs at least one operation (a constant's)

    def sample_cost(self, x: Any) -> float:
        if self.flopscope is not None:
            return float(flops_of(lambda: self.facet.forward(x, flopscope_numpy())))
        if self.unit == "operations":
            return float(self.facet.sample_cost(x))
        key = id(x)
        if key not in self.timed_samples:
            start = time.perf_counter()
            get_domain(self.domain).monte_carlo(x, EMPTY, TIMING_SAMPLES, 0)
            self.timed_samples[key] = (time.perf_counter() - start) / TIMING_SAMPLES
        return self.timed_samples[key]


def flopscope_version() -> str:
    """The installed flopscope's version (ImportError when it is not installed: an optional extra)."""
    import flopscope

    return str(flopscope.__version__)


def flopscope_numpy() -> Any:
    import flopscope.numpy

    return flopscope.numpy


def flops_of(run: Any) -> int:
    """The floating-point operations flopscope counts while `run()` computes through flopscope.numpy (the
    namespace of heurcheck.array_namespace is flopscope's meanwhile)."""
    import flopscope

    with flopscope.BudgetContext(flop_budget=2**62, quiet=True) as budget, flopscope_namespace():
        run()
    return int(budget.flops_used)


def _at_effort(call: Call, caps: Capabilities, knob: str | None, level: Any, seed: int) -> Any:
    """The estimator at one effort level (its other options as given), reseeded for this context when it is
    randomised and takes a seed; the estimator itself when there is nothing to change."""
    changes: dict[str, Any] = {}
    if knob is not None:
        changes[knob] = level
    if caps.randomised and caps.reseedable:
        changes["seed"] = seed
    if not changes:
        return call.estimator
    if call.rebuild is None:
        raise NotApplicable(f"{caps.name} cannot be rebuilt at another effort level or seed here")
    return call.rebuild(changes)


def _bad(name: str, value: Any, expected: str) -> InvalidOption:
    return InvalidOption(f"parameter {name}={value!r} of property 'matching-sampling': expected {expected}")


def _eps_grid(text: str) -> tuple[float, ...]:
    try:
        grid = tuple(float(e) for e in text.split(",") if e.strip())
    except ValueError:
        grid = ()
    if not grid or not all(0 < e and math.isfinite(e) for e in grid):
        raise _bad("eps", text, "numbers > 0 separated by commas, e.g. 1,0.1,0.01")
    return grid


def _option_value(caps: Capabilities, knob: str, text: str) -> Any:
    try:
        return caps.options[knob].type(text)
    except (TypeError, ValueError, InvalidOption):
        raise _bad("effort", text, f"values of the option {knob} separated by commas") from None


def _label(knob: str | None, level: Any) -> str:
    return "as given" if knob is None else f"{knob}={'inf' if level is None else level}"


def _seed(base: int, level: int, context: int) -> int:
    """A seed for (run, use, context) whose stream is unrelated to any other's (not a sum of small integers:
    the contexts' own generators take small seeds, and a shared stream would correlate draws with weights)."""
    return int(np.random.SeedSequence([base, level, context, 0x4D53]).generate_state(1)[0])


def _same_under_reseeding(estimator: Any, x: Any, pi: Arguments) -> bool:
    """Whether the estimate on x is bit-identical under two different global random states (restored after)."""
    np_state, py_state = np.random.get_state(), random.getstate()
    results = []
    try:
        for s in (1, 2):
            np.random.seed(s)
            random.seed(s)
            call = Call(estimator, exact=False, timeout=None)
            results.append(repr(to_float(call(x, pi).value)))
    except (EstimatorFailure, NotApplicable):
        return False
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)
    return results[0] == results[1]


def _mean_interval(values: np.ndarray, resamples: int, seed: int, confidence: float) -> tuple[float, float]:
    rng = np.random.default_rng(seed + 1)
    means = values[rng.integers(0, len(values), size=(resamples, len(values)))].mean(axis=-1)
    tail = (1 - confidence) / 2
    lo, hi = np.quantile(means, [tail, 1 - tail])
    return float(lo), float(hi)


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


__all__ = ["MatchingSampling", "MatchingSamplingFacet", "Reference"]
