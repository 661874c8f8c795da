"""Library entry points that the command line and the tests call."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .arguments import EMPTY, Arguments
from .domains import parse_atom
from .domains.base import Instance
from .domains.reference import DEFAULT_TRUTH_SEED, Reference, reference_truth
from .errors import TruthTooExpensive, UnsupportedDomain
from .estimators.base import BadResult, Capabilities, Estimate, Estimator, checked_estimate, plain_number


@dataclass(frozen=True)
class Evaluation:
    """One estimate, and with `truth=True` the truth and the error (estimate - truth); `reference`
    says whether the truth is exact or a Monte Carlo estimate (then with its standard error)."""

    estimate: Estimate
    arguments: Arguments
    truth: Any = None
    error: Any = None
    reference: Reference | None = None


def parse_arguments(domain: str, texts: tuple[str, ...] | list[str]) -> Arguments:
    """Argument atoms from their command-line forms, e.g. ["keep:g1,g2", "reveal:x=1/2"]."""
    return Arguments(parse_atom(domain, t) for t in texts)


def default_arguments(estimator: Estimator, domain: str) -> Arguments:
    """The arguments an estimator declares it assumes when the caller gives none (`default_arguments`)."""
    return parse_arguments(domain, list(Capabilities.of(estimator).default_arguments))


def check_applies(estimator: Estimator, instance: Instance) -> None:
    """Raise UnsupportedDomain unless the estimator declares the instance's domain."""
    caps = Capabilities.of(estimator)
    if not caps.handles(instance.domain):
        raise UnsupportedDomain(
            f"estimator {caps.name!r} does not handle {instance.domain!r} instances "
            f"(it handles: {', '.join(sorted(caps.domains))})"
        )


def evaluate(estimator: Estimator, instance: Instance, arguments: Arguments = EMPTY, *, exact: bool = False,
             truth: bool = False, truth_samples: int | None = None, truth_seed: int = DEFAULT_TRUTH_SEED) -> Evaluation:
    """Run `estimator` on `instance` after checking that it applies and that every certificate holds.

    Parameters are rational in instance files; with `exact=False` they are turned into floats first,
    with `exact=True` a traceable estimator computes in exact rationals. With `truth=True` the truth is
    the domain's exact value, or where that is out of reach its Monte Carlo estimate (`truth_samples`
    draws, the domain's default when None, seeded by `truth_seed`) with its standard error.
    """
    check_applies(estimator, instance)
    arguments.check(instance)
    run_on = instance if exact else instance.map_numbers(float)
    result = checked_estimate(estimator.estimate(run_on, arguments))  # BadResult: not a finite number
    if not truth:
        return Evaluation(result, arguments)
    ref = reference_truth(instance, arguments, truth_samples, truth_seed)
    value = ref.value
    try:
        plain_number(value, "the exact value is")
    except BadResult as exc:  # a truth beyond the float range: it can be neither compared nor printed
        raise TruthTooExpensive(f"{exc} (limit: |value| <= {sys.float_info.max:.3g})") from None
    exact_error = exact and ref.exact
    return Evaluation(result, arguments, value, result.value - (value if exact_error else float(value)), ref)


def to_jsonable(value: Any) -> Any:
    """A number for a JSON report: floats stay floats, exact rationals become floats (see `exact_text`)."""
    if value is None:
        return None
    if isinstance(value, (int, Fraction)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def exact_text(value: Any) -> str | None:
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None
