"""The objective route (D9 only): E_v[G(Y | Pi + v)] over the values v of the inputs Pi' reveals beyond
Pi, enumerated with their weights, Gaussian ones by the moments of the traced estimate."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from itertools import product
from typing import Any

from ...domains.boolean import RevealBit
from ...domains.circuit import Circuit, RevealInput, moment_expectation, support
from ..base import Call, Case
from .base import _extra, _Spread
from .traceable import _plain, polynomial_terms


def _expectation(terms: list[tuple[tuple[int, ...], Any]], dists: Sequence[Any]) -> Any:
    """E[sum c prod x_i^e_i] for independent inputs with the given laws (moments, generic arithmetic)."""
    return Fraction(0) + moment_expectation(terms, dists)


def _weighted_values(c: Circuit, x: str) -> list[tuple[Any, Any]]:
    """(value, probability) pairs of a finite-support input, equal values merged, zero weights left out."""
    d = c.inputs[c.wire_index(x)].dist
    s = support(d) if d is not None else None
    if s is None:
        return []
    merged: dict[Any, Any] = {}
    for v, w in zip(*s):
        merged[v] = merged.get(v, 0) + w
    return [(v, w) for v, w in sorted(merged.items()) if w != 0]


def _objective_average(call: Call, case: Case) -> tuple[Any, float | None, list[Any], str] | None:
    """E_v[G(Y | Pi + v)] over the inputs Pi' reveals beyond Pi, exactly: (value, stderr, magnitudes, how).
    None when a Gaussian input would need tracing and the estimator is not traceable."""
    y, pi = case.instance("Y"), case.args("Pi")
    extra = _extra(case)
    if y.domain == "boolean":
        p = {i.id: i.p for i in y.inputs}
        finite = [[(RevealBit(x, 0), 1 - p[x]), (RevealBit(x, 1), p[x])] for x in extra]
        gaussian: list[str] = []
    else:
        finite, gaussian = [], []
        for x in extra:
            values = _weighted_values(y, x)
            if values:
                finite.append([(RevealInput(x, v), w) for v, w in values])
            else:
                gaussian.append(x)
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
            result = call(y, args | [RevealInput(x, s) for s, x in symbols.items()])
            terms = polynomial_terms(result.value, list(symbols))
            value = _expectation(terms, [y.inputs[y.wire_index(x)].dist for x in symbols.values()])
        else:
            result = call(y, args)
            value = _plain(result.value)
        total = total + weight * value
        magnitudes.append(value)
        spread.add(float(weight), result.stderr)
    how = ", ".join(extra) + (f" (Gaussian {', '.join(gaussian)} by moments of the traced estimate)" if gaussian else "")
    return total, spread.value, magnitudes, how
