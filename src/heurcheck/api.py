"""Library entry points that the command line and the tests call."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .arguments import EMPTY, Arguments
from .domains import get_domain, parse_atom
from .domains.base import Instance
from .errors import TruthTooExpensive, UnsupportedDomain
from .estimators.base import BadResult, Capabilities, Estimate, Estimator, checked_estimate, plain_number


@dataclass(frozen=True)
class Evaluation:
    """One estimate, and with `truth=True` the exact value and the error (estimate - truth)."""

    estimate: Estimate
    arguments: Arguments
    truth: Any = None
    error: Any = None


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
             truth: bool = False) -> Evaluation:
    """Run `estimator` on `instance` after checking that it applies and that every certificate holds.

    Parameters are rational in instance files; with `exact=False` they are turned into floats first,
    with `exact=True` a traceable estimator computes in exact rationals.
    """
    check_applies(estimator, instance)
    arguments.check(instance)
    run_on = instance if exact else instance.map_numbers(float)
    result = checked_estimate(estimator.estimate(run_on, arguments))  # BadResult: not a finite number
    if not truth:
        return Evaluation(result, arguments)
    value = get_domain(instance.domain).truth(instance, arguments)
    try:
        plain_number(value, "the exact value is")
    except BadResult as exc:  # a truth beyond the float range: it can be neither compared nor printed
        raise TruthTooExpensive(f"{exc} (limit: |value| <= {sys.float_info.max:.3g})") from None
    return Evaluation(result, arguments, value, result.value - (value if exact else float(value)))


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
