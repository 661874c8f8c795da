"""The self-referential properties on arithmetic circuits: the traceable route (the circuits of the
traced inner estimates) and the objective route (the laws of revealed inputs); cases (Y[, X], Pi[, Pi'])."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from ...arguments import Arguments
from ...domains.circuit import (
    Circuit,
    Gate,
    Gaussian,
    RevealInput,
    circuit_arguments,
    circuit_of_polynomial,
    circuits,
    cone,
    moment_expectation,
    support,
)
from ...domains.codes import draw_code
from ..base import Case

CIRCUIT_OPS = ("mul", "add", "mul", "scale", "neg", "const")  # products are where estimators disagree with themselves


def _placeholder(c: Circuit, x: str) -> Any:
    d = c.inputs[c.wire_index(x)].dist
    s = support(d) if d is not None else None
    if s is not None:
        return min(s[0])
    return d.mean if isinstance(d, Gaussian) else Fraction(0)


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


def _extend(c: Circuit, gates: list[Gate], output: str) -> Circuit:
    whole = Circuit(c.inputs, c.gates + tuple(gates), output, c.joint)
    return cone(whole, output)


def _fresh_id(c: Circuit, stem: str) -> str:
    k = 0
    while c.has_wire(f"{stem}{k or ''}"):
        k += 1
    return f"{stem}{k or ''}"


class CircuitSelfReference:
    """The traceable route first (the estimator's own estimate of the circuit of its traced inner
    estimate), then the objective route."""

    routes = ("traceable", "objective")

    def cases(self, route: str, params: Mapping[str, Any], pairs: bool, traceable: bool) -> Any:
        """Up to 3 independent inputs (Gaussian ones only for a traceable estimator), products favoured;
        Pi from `circuit_arguments(Y, kinds=("order", "reveal"))`, Pi' = Pi + reveals of further inputs
        at a placeholder value (the smallest of the support, the mean for a Gaussian)."""
        dists = ("rademacher", "bernoulli", "uniform") + (("gaussian",) if traceable else ())
        base = circuits(max_inputs=3, max_gates=params["max_gates"], dists=dists, ops=CIRCUIT_OPS, recent=True)
        wire_feature = params.get("x") == "wire"

        @st.composite
        def build(draw: Any) -> Case:
            y = draw(base)
            pi = draw(circuit_arguments(y, kinds=("order", "reveal")))
            instances: tuple[tuple[str, Any], ...] = (("Y", y),)
            if wire_feature:
                wire = y.wires[(-2 - draw(st.integers(0, 63))) % len(y.wires)]  # shrinks to the wire before the output
                instances += (("X", cone(y, wire)),)
            if not pairs:
                return Case(instances, (("Pi", pi),))
            ids = [i.id for i in y.inputs]
            # a non-empty subset of the inputs, from one byte (bit k: input k); it shrinks to the first input alone
            mask = 1 + draw_code(draw, 1)[0] % ((1 << len(ids)) - 1)
            extra = [x for k, x in enumerate(ids) if mask >> k & 1]
            pi = Arguments(a for a in pi if not (isinstance(a, RevealInput) and a.input in extra))
            pi2 = pi | [RevealInput(x, _placeholder(y, x)) for x in sorted(extra)]
            return Case(instances, (("Pi", pi), ("Pi'", pi2)))

        return build()

    # ---- reveal atoms

    def revealed(self, arguments: Arguments) -> set[str]:
        return {a.input for a in arguments.of(RevealInput)}

    def reveal(self, x: str, value: Any) -> RevealInput:
        return RevealInput(x, value)

    # ---- the traceable route

    def of_polynomial(self, y: Circuit, f: Any, symbols: Mapping[Any, str]) -> Circuit:
        fc = circuit_of_polynomial(y, f, symbols)
        return cone(fc, fc.output)

    def minus_constant(self, y: Circuit, c: Any) -> Circuit:
        k, nk, out = _fresh_id(y, "G"), _fresh_id(y, "negG"), _fresh_id(y, "err")
        return _extend(y, [Gate(k, "const", (), c), Gate(nk, "neg", (k,)), Gate(out, "add", (y.output, nk))], out)

    def error_times(self, y: Circuit, f: Any, g: Any, symbols: Mapping[Any, str]) -> Circuit:
        """(Y - f) * g on top of Y's circuit, the circuits of f and g sharing Y's inputs."""
        with_f = circuit_of_polynomial(y, f, symbols)
        with_g = circuit_of_polynomial(with_f, g, symbols)
        nf, d, out = (_fresh_id(with_g, s) for s in ("negf", "err", "errX"))
        return _extend(with_g, [Gate(nf, "neg", (with_f.output,)), Gate(d, "add", (y.output, nf)),
                                Gate(out, "mul", (d, with_g.output))], out)

    # ---- the objective route

    def law(self, y: Circuit, x: str) -> list[tuple[Any, Any]] | None:
        """The finite support of x with its weights (`support`); None for a Gaussian input."""
        values = _weighted_values(y, x)
        return [(RevealInput(x, v), w) for v, w in values] if values else None

    def expectation(self, y: Circuit, terms: list[tuple[tuple[int, ...], Any]], inputs: Sequence[str]) -> Any:
        """By the inputs' moments (`raw_moments`)."""
        return Fraction(0) + moment_expectation(terms, [y.inputs[y.wire_index(x)].dist for x in inputs])


FACET = CircuitSelfReference()
