"""The cumulant engine on a product of high degree, whose binomial weights need more than 32 bits.

x^64 as six squarings of a Rademacher x: expanding a product one copy at a time meets multisets of
up to 64 copies of a wire, and weights up to C(63, 31), about 9e17. The exactness check found this
witness at order 64 (the circuit's degree) when the engine stored its weights as 32-bit integers.
"""

from __future__ import annotations

import pytest

from heurcheck.arguments import Arguments
from heurcheck.domains.circuit import Circuit, Gate, Input, Rademacher, truth
from heurcheck.estimators.propagation import propagate


def rademacher_to_the(squarings: int) -> Circuit:
    """x^(2^squarings) for a Rademacher x, as a chain of squarings."""
    gates = [Gate("g0", "mul", ("x", "x"))]
    gates += [Gate(f"g{i}", "mul", (f"g{i - 1}", f"g{i - 1}")) for i in range(1, squarings)]
    return Circuit((Input("x", Rademacher()),), tuple(gates), f"g{squarings - 1}")


@pytest.mark.parametrize("order", [64, None], ids=["order = degree", "every order"])
def test_propagation_at_an_order_of_at_least_the_degree_is_exact_on_x_to_the_64(order: int | None) -> None:
    c = rademacher_to_the(6)
    assert propagate(c, Arguments(), order) == truth(c) == 1
