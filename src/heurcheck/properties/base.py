"""What a property is: parameters, cases, and the outcome of evaluating one case.

A property is a relation over estimates. It declares where it applies, generates cases (a
Hypothesis strategy of `Case`s that shrinks structurally), and evaluates one case through a
`Call` (the framework's wrapper around the estimator) into an `Outcome`: the two sides, the
size of the violation and the tolerance. Engines know nothing about particular properties.
"""

from __future__ import annotations

import hashlib
import json
import math
import signal
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, ClassVar, Protocol

import numpy as np

from ..arguments import Arguments
from ..clock import OwnTime
from ..domains import arguments_from_json, get_domain, instance_from_json, instance_to_json
from ..errors import InvalidInstance, OutsideDomain
from ..interrupt import checkpoint
from ..isolation import IsolatedFailure
from ..estimators.base import BadResult, Capabilities, Estimate, as_estimate, checked_estimate
from ..findings import Verdict
from ..jsonio import Node, number_to_json
from ..numbers import to_float
from .facets import facet, facet_domains
from .registry import convert_parameters
from .space import CaseSpace

# the C functions behind `signal.signal` and `signal.getsignal`, without their conversion to enums: about 20 us of
# every estimator call's timer (CPython; elsewhere the `signal` module's own)
_raw_signal: Any
try:
    import _signal as _raw_signal  # type: ignore[import-not-found, no-redef]
except ImportError:  # pragma: no cover - another Python
    _raw_signal = signal


@dataclass(frozen=True)
class Parameter:
    """One property parameter (`-P name=value`): its type, default, meaning and allowed values."""

    type: Any
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Case:
    """One concrete test of a property: named instances, named argument sets, named numbers."""

    instances: tuple[tuple[str, Any], ...]
    arguments: tuple[tuple[str, Arguments], ...] = ()
    numbers: tuple[tuple[str, Any], ...] = ()

    def instance(self, name: str) -> Any:
        return dict(self.instances)[name]

    def args(self, name: str) -> Arguments:
        return dict(self.arguments)[name]

    def number(self, name: str) -> Any:
        return dict(self.numbers)[name]

    def index(self, name: str, size: int) -> int:
        """The number `name` as a position in a sequence of `size` items; a saved witness's index that is
        negative, fractional or past the end is an InvalidInstance naming the field, not a wrong item."""
        value = self.number(name)
        if isinstance(value, bool) or not isinstance(value, (int, Fraction)) or int(value) != value \
                or not 0 <= value < size:
            raise InvalidInstance(f"field $.witness.numbers.{name}: expected an index from 0 to {size - 1}, "
                                  f"got {number_to_json(value) if isinstance(value, (int, Fraction)) else value!r}")
        return int(value)

    def key(self) -> str:
        """A canonical text of the case (sorted JSON), the same in every process whatever the hash seed."""
        return json.dumps(self.to_json(), sort_keys=True, default=str)

    def size(self) -> int:
        """How big the witness is: the sum of its instances' sizes (gates + inputs, or matrix order)."""
        return sum(instance_size(x) for _, x in self.instances)

    def to_json(self) -> dict[str, Any]:
        return {
            "instances": {k: instance_to_json(v) for k, v in self.instances},
            "arguments": {k: v.to_json() for k, v in self.arguments},
            "numbers": {k: number_to_json(v) for k, v in self.numbers},
        }

    @classmethod
    def from_json(cls, node: Node) -> Case:
        node.object(("instances", "arguments", "numbers"))
        instances = tuple((k, instance_from_json(v)) for k, v in _members(node["instances"]))
        domains = {k: x.domain for k, x in instances}
        first = instances[0][1].domain if instances else "circuit"
        args = tuple((k, arguments_from_json(domains.get(k, first), v)) for k, v in _members(node["arguments"]))
        numbers = tuple((k, v.number()) for k, v in _members(node["numbers"]))
        return cls(instances, args, numbers)


def _members(node: Node) -> list[tuple[str, Node]]:
    if not isinstance(node.value, dict):
        node.fail("an object")
    return [(k, node.child(k, v)) for k, v in node.value.items()]


def instance_size(x: Any) -> int:
    return get_domain(x.domain).size(x)


@dataclass(frozen=True)
class Outcome:
    """The evaluation of one case: the two sides of the relation and how far it fails.

    `violation` is how far the relation fails (0 when it holds); the case violates the property
    when `violation > tolerance`. For randomised estimators `stderr` is the standard error of
    lhs - rhs and the statistical test decides instead. `applicable` False means the property's
    precondition did not hold for this case (counted towards a `vacuous` verdict).
    """

    lhs: Any
    rhs: Any
    violation: float
    tolerance: float
    relation: str = "="
    stderr: float | None = None
    applicable: bool = True
    route: str | None = None
    detail: str = ""
    score: float | None = None  # how close to violating (higher is closer), to guide the search
    # the case to report as the witness when it is not the one evaluated (the most telling member of a
    # population that one case stands for)
    witness: Case | None = field(default=None, compare=False)
    # for an outcome standing for a whole population that does not violate: the verdict its evidence
    # supports when that is weaker than a proof (a statistical test's pass, or nothing decided); None: proved
    standing: Verdict | None = None

    @property
    def violates(self) -> bool:
        return self.applicable and self.violation > self.tolerance

    @property
    def ratio(self) -> float:
        """The violation in units of tolerance (or of standard error for randomised estimators)."""
        if not self.applicable:
            return 0.0
        if self.stderr:
            return self.violation / self.stderr
        return self.violation / self.tolerance if self.tolerance > 0 else (math.inf if self.violation > 0 else 0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "lhs": _num(self.lhs), "rhs": _num(self.rhs), "relation": self.relation,
            "violation": self.violation, "tolerance": self.tolerance, "ratio": _finite(self.ratio),
            "stderr": self.stderr, "route": self.route, "detail": self.detail,
        }


@dataclass(frozen=True)
class ReportedOutcome(Outcome):
    """An outcome that carries a report (numbers computed over a population), written into its JSON form."""

    report: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), **self.report}


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _num(value: Any) -> dict[str, Any]:
    """One JSON form for a side of a relation: {"value": the float or null, "exact": the rational as "p/q"
    (ints and Fractions) or null}, plus "text" for a value that is not a number (a symbolic term)."""
    exact = str(value) if isinstance(value, (int, Fraction)) and not isinstance(value, bool) else None
    try:
        number = float(value)
    except OverflowError:  # a rational too large for a float: the exact text carries it
        return {"value": None, "exact": exact}
    except (TypeError, ValueError):
        return {"value": None, "exact": None, "text": str(value)}
    return {"value": number if number == number and abs(number) != float("inf") else None, "exact": exact}


class EstimatorFailure(Exception):
    """The estimator under test raised, or returned NaN, infinity or something that is not a number."""

    def __init__(self, kind: str, message: str, instance: Any, arguments: Arguments) -> None:
        super().__init__(message)
        self.kind = kind
        self.instance = instance
        self.arguments = arguments


class _CallTimeout(BaseException):
    """Raised by the per-call timer inside an estimator that runs too long."""


class NotApplicable(Exception):
    """The case is outside the estimator's declared domain (it raised OutsideDomain): skip it."""


class Call:
    """The framework's wrapper around every estimator call: number conversion, checks, accounting.

    Traceable estimators run on the instance as given (exact rationals from the strategies, or
    symbolic parameters when a property traces them); others get floats. Exceptions, NaN,
    infinities and non-numbers become `EstimatorFailure`.
    """

    def __init__(self, estimator: Any, exact: bool | None = None, reseed: Any = None, seed: int = 0,
                 timeout: float | None = 10.0, rebuild: Any = None) -> None:
        self.estimator = estimator
        # options -> the estimator built again with those options changed (through the registry, so an isolated
        # estimator stays isolated); None when the caller cannot rebuild it
        self.rebuild = rebuild
        # seconds per estimator call, None for no limit: by SIGALRM in the main thread; an isolated
        # estimator (heurcheck.isolation) also has its worker killed after its own timeout, in any thread
        self.timeout = timeout
        self.capabilities = Capabilities.of(estimator)
        self.exact = self.capabilities.traceable if exact is None else exact
        self.calls = 0
        self.seconds = 0.0
        # randomised estimators get a seed derived from the call itself: reproducible for a given
        # instance and run seed, independent across instances (which the statistical tests assume)
        self.reseed = reseed
        self.seed = seed
        self.case_key = ""
        self.case_calls = 0
        # the reference estimator a property compares with (agreement), and the one a check runs
        # against (`--against`: a violation counts only where it holds); each wrapped in its own Call
        self.reference: Call | None = None
        self.against: Call | None = None

    def begin(self, case: Any, key: str | None = None) -> None:
        """Seeds of randomised estimators follow (case, call number): the same case gets the same
        draws on replay, and different cases get independent draws even when they share a sub-call."""
        self.case_key = key if key is not None else case.key() if isinstance(case, Case) else repr(case)
        self.case_calls = 0
        for companion in (self.reference, self.against):
            if companion is not None:
                companion.begin(case, self.case_key)

    @property
    def randomised(self) -> bool:
        """Whether the outcomes are random: the estimator's, or the reference's it is compared with."""
        return self.capabilities.randomised or (self.reference is not None and self.reference.randomised)

    def derived(self, exact: bool | None = None, seed: int | None = None) -> Call:
        """The same estimator (and companions) in exact arithmetic (`exact`) or with another run seed."""
        twin = Call(self.estimator, exact=self.exact if exact is None else exact, reseed=self.reseed,
                    seed=self.seed if seed is None else seed, timeout=self.timeout)
        twin.case_key = self.case_key
        twin.reference = self.reference.derived(exact, seed) if self.reference is not None else None
        twin.against = self.against.derived(exact, seed) if self.against is not None else None
        return twin

    def in_exact_arithmetic(self) -> Call:
        """The same estimator called on the instances as given (exact rationals), not on float copies."""
        return self.derived(exact=True)

    @property
    def traceable(self) -> bool:
        return self.capabilities.traceable

    def __call__(self, instance: Any, arguments: Arguments) -> Estimate:
        checkpoint()  # a stop requested by a signal whose KeyboardInterrupt Python swallowed
        symbolic = not all(_is_concrete(v) for v in _parameters(instance, arguments))
        if symbolic and not self.traceable:
            raise TypeError("symbolic parameters need a traceable estimator")  # a property bug, not the estimator's
        run_on = instance if (self.exact or symbolic) else instance.map_numbers(float)
        self.calls += 1
        start = time.perf_counter()
        estimator = self.estimator
        if self.reseed is not None and self.randomised:
            self.case_calls += 1
            estimator = self.reseed(_stable_seed(self.case_key or repr((instance, arguments.text())),
                                                 self.case_calls, self.seed))
        try:
            with _call_timer(self.timeout):
                result = as_estimate(estimator.estimate(run_on, arguments))
        except OutsideDomain as exc:
            raise NotApplicable(str(exc)) from None
        except _CallTimeout:
            raise EstimatorFailure("timeout", f"no answer within {self.timeout:g} s", instance, arguments) from None
        except IsolatedFailure as exc:  # in its worker process: it raised, timed out, ran out of memory or died
            raise EstimatorFailure(exc.kind, str(exc), instance, arguments) from None
        except MemoryError as exc:
            raise EstimatorFailure("memory", f"{exc.__class__.__name__}: {exc}", instance, arguments) from None
        except (Exception, SystemExit) as exc:  # the estimator under test failed: a finding, not a crash
            raise EstimatorFailure("raised", f"{exc.__class__.__name__}: {exc}", instance, arguments) from exc
        finally:
            self.seconds += time.perf_counter() - start
        if symbolic:
            return result
        try:
            return checked_estimate(result)
        except BadResult as exc:
            raise EstimatorFailure(exc.kind, str(exc), instance, arguments) from None


@contextmanager
def _call_timer(seconds: float | None) -> Iterator[None]:
    """Raise `_CallTimeout` in the estimator once the call has taken `seconds` of its own time (`clock.OwnTime`:
    a call that waits for a CPU on a crowded machine is not timed out for it), sharing SIGALRM with an
    outer timer (the run's budget, in wall time): whichever is due first fires, and the outer one is
    restored afterwards. Python swallows an exception raised in a garbage-collector or weakref callback,
    where the signal can land: the timer then fires again a moment later, and a call that returns after
    its time anyway is timed out when it returns."""
    if seconds is None or threading.current_thread() is not threading.main_thread() or \
            not hasattr(signal, "setitimer"):
        yield
        return
    outer_handler = _raw_signal.getsignal(signal.SIGALRM)
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    outer_due = time.monotonic() + outer_left if outer_left > 0 else None
    own = OwnTime()
    fired = False

    def arm(wait: float) -> None:
        if outer_due is not None:
            wait = min(wait, outer_due - time.monotonic())
        signal.setitimer(signal.ITIMER_REAL, max(0.001, wait))

    def fire(signum: int, frame: Any) -> None:
        nonlocal fired
        if outer_due is not None and time.monotonic() >= outer_due and callable(outer_handler):
            outer_handler(signum, frame)  # the budget's alarm: it raises, or re-arms itself and returns
        if not fired and own.seconds() < seconds:
            arm(seconds - own.seconds())  # the call waited for a CPU: it is owed the rest of its time
            return
        fired = True
        arm(0.1)  # again shortly, should this raise land where Python swallows it
        raise _CallTimeout()

    _raw_signal.signal(signal.SIGALRM, fire)
    arm(seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _raw_signal.signal(signal.SIGALRM, outer_handler)
        if outer_due is not None:
            signal.setitimer(signal.ITIMER_REAL, max(0.001, outer_due - time.monotonic()))
    if fired:  # the call returned although its timeout was raised (and swallowed) in it
        raise _CallTimeout()


def _stable_seed(key: str, number: int, seed: int) -> int:
    text = f"{seed}|{number}|{key}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def _is_concrete(v: Any) -> bool:
    return isinstance(v, (int, float, Fraction))


def _parameters(instance: Any, arguments: Arguments) -> list[Any]:
    values = list(instance.parameters())
    for atom in arguments:
        v = getattr(atom, "value", None)
        if v is not None:
            values.append(v)
    return values


def evaluate_case(prop: Property, case: Case, call: Call) -> Outcome:
    """`prop.evaluate(case, call)`, with a float violation of a deterministic estimator confirmed in exact arithmetic.

    A non-traceable estimator runs on float copies of the instance, where cancellation can leave a
    residue far above the tolerance (an identically zero polynomial of degree 32 evaluated at 0.88...
    gives -1.7e-06). Such a violation is evaluated again with the instance's own exact numbers; when
    it disappears there, the exact outcome (which holds) is returned, saying so. When the estimator
    cannot run on exact numbers (it raises, leaves its domain), the float outcome stands."""
    out = prop.evaluate(case, call)
    if not out.violates or call.randomised or (call.exact and (call.reference is None or call.reference.exact)):
        return out
    try:
        again = prop.evaluate(case, call.in_exact_arithmetic())
    except Exception:  # noqa: BLE001 - an estimator written for floats only: its float verdict stands
        return out
    if again.violates or is_symbolic(again.lhs, again.rhs):
        return out
    note = f"a violation of {out.violation:.3g} on floats that disappears in exact arithmetic"
    return replace(again, detail=f"{again.detail}; {note}" if again.detail else note)


def tolerance(params: Mapping[str, Any], *scale: Any) -> float:
    """abs_tol + rel_tol * (largest magnitude among the terms compared)."""
    size = max((abs(to_float(s)) for s in scale), default=0.0)
    return float(params["abs_tol"]) + float(params["rel_tol"]) * size


def equality(params: Mapping[str, Any], lhs: Estimate, rhs: Estimate, *scale: Any,
             rhs_stderr: float | None = None, route: str | None = None, detail: str = "") -> Outcome:
    """The outcome of `lhs = rhs` under the tolerance model (stderr-scaled when either side is random)."""
    if is_symbolic(lhs.value, rhs.value, *scale):
        return Outcome(lhs.value, rhs.value, math.nan, 0.0, "=", route=route, detail=detail)
    stderr = _combined(lhs.stderr, rhs_stderr if rhs_stderr is not None else rhs.stderr)
    gap = abs(to_float(lhs.value - rhs.value)) if _both_exact(lhs.value, rhs.value) else \
        abs(to_float(lhs.value) - to_float(rhs.value))
    stated, detail = _stated_rounding(detail, lhs, rhs)
    return Outcome(lhs.value, rhs.value, gap, tolerance(params, lhs.value, rhs.value, *scale) + stated, "=", stderr,
                   route=route, detail=detail)


def rounding_of(*terms: tuple[Any, Estimate]) -> float | None:
    """The rounding bound of a sum of coefficient * estimate terms: the sum of |coefficient| * each stated
    bound (None when no estimate states one). Properties that combine estimates pass it on."""
    bounds = [abs(to_float(c)) * e.rounding for c, e in terms if e.rounding is not None and not is_symbolic(c)]
    return sum(bounds) if bounds else None


def _stated_rounding(detail: str, *sides: Estimate) -> tuple[float, str]:
    """The rounding bounds the estimator stated on the sides (see `Estimate.rounding`), and the detail saying so."""
    stated = sum(side.rounding or 0.0 for side in sides)
    if not stated:
        return 0.0, detail
    note = f"the tolerance includes the rounding bound {stated:.3g} the estimator states"
    return stated, f"{detail}; {note}" if detail else note


def at_least(params: Mapping[str, Any], value: Estimate, bound: Any, relation: str = ">=",
             detail: str = "", route: str | None = None) -> Outcome:
    """The outcome of `value >= bound` (relation '>='), or `value <= bound` (relation '<=')."""
    if is_symbolic(value.value, bound):
        return Outcome(value.value, bound, math.nan, 0.0, relation, route=route, detail=detail)
    v, b = to_float(value.value), to_float(bound)
    gap = max(0.0, b - v) if relation == ">=" else max(0.0, v - b)
    if _both_exact(value.value, bound):
        exact_gap = (bound - value.value) if relation == ">=" else (value.value - bound)
        gap = max(0.0, to_float(exact_gap))
    scale = max(1.0, abs(v), abs(b))
    score = (b - v) / scale if relation == ">=" else (v - b) / scale  # > 0 exactly when violated
    stated, detail = _stated_rounding(detail, value)
    return Outcome(value.value, bound, gap, tolerance(params, value.value, bound) + stated, relation, value.stderr,
                   route=route, detail=detail, score=score)


def is_symbolic(*values: Any) -> bool:
    """True when a side is an expression in symbolic parameters (the formal engines decide those:
    the outcome then carries the two sides and a NaN violation, which never counts as violating)."""
    return any(_has_symbols(v) for v in values)


def _has_symbols(v: Any) -> bool:
    if _is_concrete(v) or isinstance(v, np.number):
        return False
    module = type(v).__module__
    if module.startswith("sympy"):
        return bool(v.free_symbols)
    if module.startswith("z3"):
        import z3  # only when a value is a z3 term (slow to import)

        return not (z3.is_rational_value(v) or z3.is_algebraic_value(v))
    return False


def _both_exact(a: Any, b: Any) -> bool:
    return isinstance(a, (int, Fraction)) and isinstance(b, (int, Fraction))


def _combined(*errors: float | None) -> float | None:
    known = [e for e in errors if e is not None]
    return math.sqrt(sum(e * e for e in known)) if known else None


TOLERANCE_PARAMETERS: dict[str, Parameter] = {
    "abs_tol": Parameter(float, 1e-9, "absolute tolerance"),
    "rel_tol": Parameter(float, 1e-9, "tolerance relative to the largest magnitude compared"),
}


class Property(Protocol):
    """A desideratum. Class attributes: `name`, `code` (D1...), `parameters`; the
    constructor takes parameter values as keywords."""

    name: ClassVar[str]
    code: ClassVar[str]
    parameters: ClassVar[dict[str, Parameter]]
    params: Mapping[str, Any]

    def applies(self, estimator: Any, domain: str) -> str | None:
        """None if the property applies to this estimator on this domain, else the reason it does not."""
        ...

    @classmethod
    def defined_on(cls) -> frozenset[str]:
        """The domains this property is defined on."""
        ...

    def space(self, domain: str, estimator: Any) -> CaseSpace:
        """Its cases on this domain, in the forms it can offer the engines (see properties.space)."""
        ...

    def evaluate(self, case: Case, call: Call) -> Outcome: ...


@dataclass
class PropertyBase:
    """Shared plumbing for the built-in properties (parameter handling and the domain check)."""

    params: dict[str, Any] = field(default_factory=dict)
    name: ClassVar[str] = ""
    code: ClassVar[str] = ""
    parameters: ClassVar[dict[str, Parameter]] = {}

    def __init__(self, **params: Any) -> None:
        self.params = convert_parameters(self, params)

    @classmethod
    def defined_on(cls) -> frozenset[str]:
        """The domains this property is defined on: those offering a facet of it (see properties.facets)."""
        return facet_domains(cls.name)

    def facet(self, domain: str) -> Any:
        """This property's facet on `domain` (what is particular to the domain, see properties.facets)."""
        found = facet(self.name, domain)
        if found is None:
            raise NotApplicable(f"{self.name} has no facet on the {domain} domain")
        return found

    def applies(self, estimator: Any, domain: str) -> str | None:
        defined = self.defined_on()
        if domain not in defined:
            return f"{self.name} is not defined on the {domain} domain (it is on: {', '.join(sorted(defined))})"
        if not Capabilities.of(estimator).handles(domain):
            return f"{estimator.name} does not handle the {domain} domain"
        return None

    def space(self, domain: str, estimator: Any) -> CaseSpace:
        """By default, the cases drawn by `cases` (a property with a finite domain or symbolic
        structures to offer says so by overriding this)."""
        return CaseSpace(domain, draw=lambda: self.cases(domain, estimator))

    def cases(self, domain: str, estimator: Any) -> Any:
        """A Hypothesis strategy of `Case`s for this domain that shrinks structurally."""
        raise NotImplementedError(f"{type(self).__name__} draws no cases: it overrides space()")

    def summary(self) -> str:
        return (self.__doc__ or "").strip().splitlines()[0]


def one_instance_cases(instances: Any, arguments: Any) -> Any:
    """Cases of one instance Y drawn from `instances` and one argument set Pi from `arguments(Y)`."""
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    @st.composite
    def build(draw: Any) -> Case:
        y = draw(instances)
        return Case((("Y", y),), (("Pi", draw(arguments(y))),))

    return build()


def domain_strategy(domain: str, **limits: Any) -> Any:
    return get_domain(domain).instances(**limits)
