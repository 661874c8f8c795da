"""Generators of circuits: the Hypothesis strategy `circuits` and the random `layered_circuit` of the benchmarks."""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

import numpy as np

from ..lifting import maybe_lifted
from ...arguments import Arguments
from .atoms import CumulantOrder, KeepCumulant, RevealInput
from .model import OPS, Bernoulli, Circuit, Gate, Gaussian, Input, JointGaussian, Rademacher, Uniform, cone
from .moments import support


def circuits(
    max_inputs: int = 3,
    max_gates: int = 6,
    dists: tuple[str, ...] = ("rademacher", "bernoulli", "gaussian", "uniform"),
    joint: bool = False,
    ops: tuple[str, ...] = ("add", "mul", "scale", "neg", "const"),
    recent: bool = False,
    reach: int = 64,
) -> Any:
    """Hypothesis strategy of circuits with exact rational parameters.

    Shrinks structurally: fewer gates and inputs (lists), the first op and distribution in the
    given orders, arguments towards the first wires (with `recent`, towards the newest wires, which
    makes deep chains likely; with `reach` 2 as well, every gate reads one of the two newest wires, so a
    circuit of k gates is about k deep), parameters towards 0 and 1. Repeating an op in `ops` weights it;
    the pseudo-op "square" draws a product of one wire with itself.
    Gates the output does not depend on are dropped, so every gate of a shrunk circuit matters.
    """
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    small = st.builds(Fraction, st.integers(-3, 3), st.sampled_from([1, 2, 3]))
    nonneg = st.builds(Fraction, st.integers(0, 3), st.sampled_from([1, 2]))
    by_kind = {
        "rademacher": st.just(Rademacher()),
        "bernoulli": st.sampled_from([Fraction(1, 2), Fraction(1, 3), Fraction(3, 4), Fraction(0), Fraction(1)]).map(
            Bernoulli
        ),
        "gaussian": st.builds(Gaussian, small, nonneg),
        "uniform": st.lists(small, min_size=1, max_size=3).map(lambda v: Uniform(tuple(v))),
    }
    dist = st.one_of(*[by_kind[k] for k in dists])
    gate = st.tuples(st.sampled_from(ops), st.integers(0, reach - 1), st.integers(0, reach - 1), small)

    # every strategy is built once here, not inside each draw (Hypothesis validates a new one each time)
    sizes, factor_entry = st.integers(1, max_inputs), st.integers(-2, 2)
    input_laws, gate_lists = st.lists(dist, min_size=1, max_size=max_inputs), st.lists(gate, max_size=max_gates)

    @st.composite
    def build(draw: Any) -> Circuit:
        if joint:
            n = draw(sizes)
            factor = [[draw(factor_entry) for _ in range(n)] for _ in range(n)]
            cov = tuple(
                tuple(Fraction(sum(factor[i][k] * factor[j][k] for k in range(n))) for j in range(n)) for i in range(n)
            )
            mean = tuple(draw(small) for _ in range(n))
            inputs = tuple(Input(f"x{i}") for i in range(n))
            law: JointGaussian | None = JointGaussian(mean, cov)
        else:
            ds = draw(input_laws)
            inputs = tuple(Input(f"x{i}", d) for i, d in enumerate(ds))
            law = None
        wires = [i.id for i in inputs]
        gates = []
        for k, (op, a, b, value) in enumerate(draw(gate_lists)):
            if op == "square":
                op, b = "mul", a
            arity = OPS[op]
            pick = (lambda x: wires[-1 - x % len(wires)]) if recent else (lambda x: wires[x % len(wires)])
            args = tuple(pick(x) for x in (a, b)[:arity])
            gates.append(Gate(f"g{k}", op, args, value if op in ("const", "scale") else None))
            wires.append(f"g{k}")
        # keep only what the output depends on, so shrinking never carries dead gates
        return cone(Circuit(inputs, tuple(gates), wires[-1], law), wires[-1])

    return maybe_lifted(build())


def layered_circuit(gates: int, width: int = 32, seed: int = 0, mul_share: float = 0.3) -> Circuit:
    """A random layered circuit with `gates` gates over `width` Gaussian inputs: each gate reads two
    wires of the previous layer, so the live frontier stays near 2 * width (used by benchmarks)."""
    rng = np.random.default_rng(seed)
    inputs = tuple(
        Input(f"x{i}", Gaussian(Fraction(int(rng.integers(-2, 3)), 4), Fraction(int(rng.integers(1, 3)), 8)))
        for i in range(width)
    )
    layer = [i.id for i in inputs]
    out: list[Gate] = []
    while len(out) < gates:
        nxt = []
        for _ in range(min(width, gates - len(out))):
            a, b = (layer[int(j)] for j in rng.integers(0, len(layer), size=2))
            gid = f"g{len(out)}"
            if rng.random() < mul_share:
                out.append(Gate(gid, "mul", (a, b)))
            elif rng.random() < 0.5:
                out.append(Gate(gid, "add", (a, b)))
            else:
                out.append(Gate(gid, "scale", (a,), Fraction(int(rng.choice([-1, 1])), 2)))
            nxt.append(gid)
        layer = nxt
    # one sum of the last layer as the output keeps every gate of it alive
    acc = layer[0]
    for k, w in enumerate(layer[1:]):
        out.append(Gate(f"s{k}", "add", (acc, w)))
        acc = f"s{k}"
    return Circuit(inputs, tuple(out), acc)


# ---- argument sets drawn to fit a circuit (they shrink to the empty set)


def reveal_values(c: Circuit, input_id: str) -> Any:
    """Values an input can be revealed to have: its support, or small rationals for a Gaussian."""
    dist = c.inputs[c.wire_index(input_id)].dist
    return _cached(_reveal_values, dist)


def _reveal_values(dist: Any) -> Any:
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    s = support(dist) if dist is not None else None
    if s is not None:
        return st.sampled_from(list(dict.fromkeys(s[0])))  # in the law's order (symbols do not sort)
    return st.builds(Fraction, st.integers(-3, 3), st.sampled_from([1, 2]))


def circuit_atoms(c: Circuit, kinds: tuple[str, ...] = ("keep", "order", "reveal")) -> Any:
    """One argument atom that fits circuit `c`."""
    return _cached(_circuit_atoms, c.wires, _laws(c), kinds)


def _circuit_atoms(wires: tuple[str, ...], laws: tuple[tuple[str, Any], ...] | None, kinds: tuple[str, ...]) -> Any:
    """`circuit_atoms` of a circuit with these wires and these input laws (None: a joint Gaussian law)."""
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    options: list[Any] = []  # strategies of KeepCumulant, CumulantOrder or RevealInput atoms
    if "keep" in kinds and wires:
        options.append(st.lists(st.sampled_from(wires), min_size=2, max_size=3).map(lambda w: KeepCumulant(tuple(w))))
    if "order" in kinds:
        options.append(st.integers(1, 4).map(CumulantOrder))
    if "reveal" in kinds and laws is not None:
        dists = dict(laws)
        options.append(st.sampled_from(list(dists)).flatmap(
            lambda i: _cached(_reveal_values, dists[i]).map(lambda v: RevealInput(i, v))))
    return st.one_of(*options)


def circuit_arguments(c: Circuit, max_atoms: int = 3, kinds: tuple[str, ...] = ("keep", "order", "reveal"),
                      min_atoms: int = 0) -> Any:
    """An argument set for `c` (at most one reveal per input, so the set is consistent)."""
    return _cached(_circuit_arguments, c.wires, _laws(c), kinds, min_atoms, max(max_atoms, min_atoms))


def _circuit_arguments(wires: tuple[str, ...], laws: tuple[tuple[str, Any], ...] | None, kinds: tuple[str, ...],
                       min_atoms: int, max_atoms: int) -> Any:
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    atoms = _cached(_circuit_atoms, wires, laws, kinds)
    return st.lists(atoms, min_size=min_atoms, max_size=max_atoms).map(consistent)


def _laws(c: Circuit) -> tuple[tuple[str, Any], ...] | None:
    """What the argument strategies of `c` depend on besides its wires: each input's law (None for a
    joint Gaussian law, under which nothing is revealed)."""
    return None if c.joint is not None else tuple((i.id, i.dist) for i in c.inputs)


def _cached(make: Any, *args: Any) -> Any:
    """`make(*args)`, the same strategy object for the same arguments. A search draws these for every
    case, and the circuits that `circuits` draws repeat their wire ids and laws: Hypothesis validates
    each new strategy object on its first draw (about a third of a case's generation time when they
    were built per case), one it has seen before it does not. The key holds the arguments' repr as
    well, so that equal numbers of different types (Fraction(1, 2) and 0.5) are not confused;
    arguments that do not hash are built each time."""
    try:
        hash(args)
    except TypeError:
        return make(*args)
    return _built(make, args, repr(args))


@functools.lru_cache(maxsize=4096)
def _built(make: Any, args: tuple[Any, ...], text: str) -> Any:
    """The cache behind `_cached` (`text` is the arguments' repr, part of the key only)."""
    return make(*args)


def consistent(atoms: list[Any]) -> Arguments:
    """The atoms as a set with at most one reveal per input (the first listed), so the set is consistent."""
    seen: set[str] = set()
    kept = []
    for a in atoms:
        if isinstance(a, RevealInput):
            if a.input in seen:
                continue
            seen.add(a.input)
        kept.append(a)
    return Arguments(kept)
