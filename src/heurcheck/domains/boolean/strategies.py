"""The Hypothesis strategy of boolean circuits."""

from __future__ import annotations

import string
from typing import Any

from ...errors import InvalidOption
from ...arguments import Arguments
from .atoms import RevealBit
from .model import ARITY, HALF, BitInput, BoolGate, BooleanCircuit

# Hypothesis shrinks `sampled_from` towards the first choice: the plain product gate first, the
# gates where correlations (and so estimator errors) arise later, and the degenerate constant last.
_OPS_BY_SIMPLICITY = ("and", "not", "or", "xor", "const")


def _input_name(i: int) -> str:
    return string.ascii_lowercase[i] if i < 26 else f"x{i}"


def instances(max_inputs: int = 4, max_gates: int = 6, probabilities: str = "half") -> Any:
    """A Hypothesis strategy of circuits that shrinks structurally.

    Towards fewer gates and inputs, simpler ops (and, not, or, xor, const), arguments on earlier
    wires (each is drawn as an index into the wires defined so far, so deleting a gate keeps the
    circuit valid) and p = 1/2. The output is the last wire. `probabilities` is "half" (every
    p = 1/2) or "rational" (p in [0, 1] with denominator at most 12).
    """
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    if probabilities not in ("half", "rational"):
        raise InvalidOption(f"probabilities: expected one of half, rational, got {probabilities!r}")
    if max_inputs < 1 or max_gates < 0:
        raise InvalidOption(f"expected max_inputs >= 1 and max_gates >= 0, got {max_inputs} and {max_gates}")
    ps = (
        st.just(HALF)
        if probabilities == "half"
        else st.one_of(st.just(HALF), st.fractions(min_value=0, max_value=1, max_denominator=12))
    )

    @st.composite
    def circuits(draw: Any) -> BooleanCircuit:
        inputs = tuple(BitInput(_input_name(i), draw(ps)) for i in range(draw(st.integers(1, max_inputs))))
        wires = [i.id for i in inputs]
        gates = []
        for k in range(1, draw(st.integers(0, max_gates)) + 1):
            op = draw(st.sampled_from(_OPS_BY_SIMPLICITY))
            args = tuple(wires[draw(st.integers(0, len(wires) - 1))] for _ in range(ARITY[op]))
            value = draw(st.integers(0, 1)) if op == "const" else None
            gates.append(BoolGate(f"g{k}", op, args, value))
            wires.append(f"g{k}")
        return BooleanCircuit(inputs, tuple(gates), wires[-1])

    return circuits()


def boolean_arguments(c: Any, max_atoms: int = 2, min_atoms: int = 0) -> Any:
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    ids = [i.id for i in c.inputs]
    reveal = st.tuples(st.sampled_from(ids), st.sampled_from([0, 1])).map(lambda t: RevealBit(*t))
    most = min(max(max_atoms, min_atoms), len(ids))
    return st.lists(reveal, min_size=min(min_atoms, most), max_size=most, unique_by=lambda a: a.input).map(Arguments)
