"""The objective route (D9 only): E_v[G(Y | Pi + v)] over the values v of the inputs Pi' reveals beyond
Pi, enumerated with their weights (the domain's laws of the revealed inputs), the others by the
moments of the traced estimate."""

from __future__ import annotations

from fractions import Fraction
from itertools import product
from typing import Any

from ...numbers import plain, polynomial_terms
from ..base import Call, Case
from .base import ObjectiveFacet, _extra, _Spread


def _objective_average(facet: ObjectiveFacet, call: Call,
                       case: Case) -> tuple[Any, float | None, list[Any], str] | None:
    """E_v[G(Y | Pi + v)] over the inputs Pi' reveals beyond Pi, exactly: (value, stderr, magnitudes, how).
    None when an input without a finite law would need tracing and the estimator is not traceable."""
    y, pi = case.instance("Y"), case.args("Pi")
    extra = _extra(facet, case)
    finite, gaussian = [], []
    for x in extra:
        law = facet.law(y, x)
        if law is None:
            gaussian.append(x)
        else:
            finite.append(law)
    if gaussian and not call.traceable:
        return None
    total: Any = Fraction(0)
    spread, magnitudes = _Spread(call), []
    for combo in product(*finite):
        weight: Any = Fraction(1)
        for _, w in combo:
            weight = weight * w
        if weight == 0:
            continue
        args = pi | [atom for atom, _ in combo]
        if gaussian:
            import sympy  # lazy: sympy adds about half a second to start-up and most runs never trace

            symbols = {sympy.Symbol(f"v_{x}"): x for x in gaussian}
            result = call(y, args | [facet.reveal(x, s) for s, x in symbols.items()])
            terms = polynomial_terms(result.value, list(symbols))
            value = facet.expectation(y, terms, list(symbols.values()))
        else:
            result = call(y, args)
            value = plain(result.value)
        total = total + weight * value
        magnitudes.append(value)
        spread.add(float(weight), result.stderr)
    how = ", ".join(extra) + (f" (Gaussian {', '.join(gaussian)} by moments of the traced estimate)" if gaussian else "")
    return total, spread.value, magnitudes, how
