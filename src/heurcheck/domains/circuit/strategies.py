"""Generators of circuits: the Hypothesis strategy `circuits` and the random `layered_circuit` of the benchmarks."""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

import numpy as np

from ..codes import codes, draw_code, pick
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
    the pseudo-op "square" draws a product of one wire with itself. `reach` is at most 256.
    Gates the output does not depend on are dropped, so every gate of a shrunk circuit matters.

    Each gate and each input law is one Hypothesis choice, a code of a few bytes (`heurcheck.domains.codes`)
    that `_gate` and `_law` decode, one byte per field (arguments, value, op; parameters, kind): a search
    costs less per case with fewer choices, and a linearity case has 16 choices where it had 36 when every
    field was drawn on its own.
    """
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    if not 1 <= reach <= 256:
        raise ValueError(f"reach {reach}: expected 1 to 256 (one byte of a gate's code)")
    # every strategy is built once here, not inside each draw (Hypothesis validates a new one each time)
    # Hypothesis's mutator copies a drawn span over another of the same label: copying one gate over another
    # builds the repeated structures that many faults need ((x*x)*(x*x): half as many violating cases of
    # iterated-estimation without it), copying laws over gates or whole lists over each other spoils the
    # sizes (23% of the gate lists had exactly 3 gates). So gates, laws and their lists each get a label of
    # their own: a gate's code in a pair after a constant, a law's in a 1-tuple
    gate_lists = st.lists(st.tuples(st.just(None), codes()), max_size=max_gates)
    laws = st.lists(st.tuples(codes()), min_size=1, max_size=max_inputs)

    @st.composite
    def build(draw: Any) -> Circuit:
        law: JointGaussian | None = None
        if joint:
            law = _joint(draw_code(draw, 1 + max_inputs * max_inputs + 2 * max_inputs), max_inputs)
            inputs = tuple(Input(f"x{i}") for i in range(len(law.mean)))
        else:
            inputs = tuple(Input(f"x{i}", _law(code, dists)) for i, (code,) in enumerate(draw(laws)))
        wires = [i.id for i in inputs]
        gates = []
        for k, (_, code) in enumerate(draw(gate_lists)):
            op, a, b, value = _gate(code, ops, reach)
            if op == "square":
                op, b = "mul", a
            arity = OPS[op]
            wire = (lambda x: wires[-1 - x % len(wires)]) if recent else (lambda x: wires[x % len(wires)])
            args = tuple(wire(x) for x in (a, b)[:arity])
            gates.append(Gate(f"g{k}", op, args, value if op in ("const", "scale") else None))
            wires.append(f"g{k}")
        # keep only what the output depends on, so shrinking never carries dead gates
        return cone(Circuit(inputs, tuple(gates), wires[-1], law), wires[-1])

    return maybe_lifted(build())


# ---- decoding gates, laws and atoms from their codes (one byte per field, see `heurcheck.domains.codes`)

SIGNED = (0, 1, -1, 2, -2, 3, -3)  # numerators, 0 first, then by magnitude
SMALL = tuple(Fraction(n, d) for n in SIGNED for d in (1, 2, 3))  # uniform laws' values: n/d, d in 1..3
HALVES = tuple(Fraction(n, d) for n in SIGNED for d in (1, 2))  # revealed Gaussian values, coefficients
BERNOULLI = (Fraction(1, 2), Fraction(1, 3), Fraction(3, 4), Fraction(0), Fraction(1))
FACTOR = (0, 1, -1, 2, -2)  # entries of a joint law's covariance factor


def _small(numerator: int, denominator: int) -> Fraction:
    """n/d for n in -3..3 and d in 1..3, from two bytes (each towards 0 and 1 as its byte goes to 0)."""
    return Fraction(pick(SIGNED, numerator), 1 + denominator % 3)


def _gate(code: bytes, ops: tuple[str, ...], reach: int) -> tuple[str, int, int, Fraction]:
    """A gate's op, its two argument numbers (below `reach`, read modulo the wires available) and value,
    from a code (value's numerator and denominator, second argument, first argument, op)."""
    return pick(ops, code[4]), code[3] % reach, code[2] % reach, _small(code[0], code[1])


def _law(code: bytes, dists: tuple[str, ...]) -> Any:
    """An input's law from a code (four bytes of parameters, the first-read one last, then its kind from
    `dists`); a uniform law holds 1 to 3 values."""
    kind = pick(dists, code[4])
    if kind == "rademacher":
        return Rademacher()
    if kind == "bernoulli":
        return Bernoulli(pick(BERNOULLI, code[3]))
    if kind == "gaussian":
        return Gaussian(_small(code[3], code[2]), Fraction(code[1] % 4, 1 + code[0] % 2))
    return Uniform(tuple(pick(SMALL, c) for c in code[2::-1][: 1 + code[3] % 3]))


def _joint(code: bytes, m: int) -> JointGaussian:
    """A joint Gaussian law of 1 to `m` inputs: covariance F F^T for an integer factor F, small means, from
    a code (F's entries row by row, the means' numerators and denominators, then the number of inputs)."""
    n = 1 + code[-1] % m
    factor = [[pick(FACTOR, code[i * m + k]) for k in range(n)] for i in range(n)]
    cov = tuple(tuple(Fraction(sum(factor[i][k] * factor[j][k] for k in range(n))) for j in range(n)) for i in range(n))
    return JointGaussian(tuple(_small(code[m * m + 2 * i], code[m * m + 2 * i + 1]) for i in range(n)), cov)


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

    return st.sampled_from(reveal_table(dist))


def reveal_table(dist: Any) -> tuple[Any, ...]:
    """The values an input of law `dist` is revealed at: its support in the law's order (symbols do not
    sort), or n/d for n in -3..3 and d in 1..2 (0 first) for a Gaussian."""
    s = support(dist) if dist is not None else None
    return tuple(dict.fromkeys(s[0])) if s is not None else HALVES


def circuit_atoms(c: Circuit, kinds: tuple[str, ...] = ("keep", "order", "reveal")) -> Any:
    """One argument atom that fits circuit `c`."""
    return _cached(_circuit_atoms, c.wires, _laws(c), kinds)


def _circuit_atoms(wires: tuple[str, ...], laws: tuple[tuple[str, Any], ...] | None, kinds: tuple[str, ...]) -> Any:
    """`circuit_atoms` of a circuit with these wires and these input laws (None: a joint Gaussian law)."""
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    options = _atom_kinds(wires, laws, kinds)
    if not options:
        return st.nothing()
    return codes().map(functools.partial(_atom, wires, laws, options))


def _atom_kinds(wires: tuple[str, ...], laws: tuple[tuple[str, Any], ...] | None,
                kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The kinds of atom that can be drawn about these wires and laws, in the order they shrink to."""
    return tuple(k for k in ("keep", "order", "reveal")
                 if k in kinds and (k != "keep" or wires) and (k != "reveal" or laws is not None))


def _atom(wires: tuple[str, ...], laws: tuple[tuple[str, Any], ...] | None, options: tuple[str, ...],
          code: bytes) -> Any:
    """An atom from its code (four bytes of parameters, the first-read one last, then its kind among
    `options`): a keep of 2 or 3 wires, an order from 1 to 4, or a reveal of an input at a value of its law."""
    kind = pick(options, code[4])
    if kind == "keep":
        return KeepCumulant(tuple(pick(wires, w) for w in code[2::-1][: 2 + code[3] % 2]))
    if kind == "order":
        return CumulantOrder(1 + code[3] % 4)
    assert laws is not None
    input_id, dist = pick(laws, code[3])
    return RevealInput(input_id, pick(reveal_table(dist), code[2]))


def circuit_arguments(c: Circuit, max_atoms: int = 3, kinds: tuple[str, ...] = ("keep", "order", "reveal"),
                      min_atoms: int = 0) -> Any:
    """An argument set for `c` (at most one reveal per input, so the set is consistent)."""
    return _cached(_circuit_arguments, c.wires, _laws(c), kinds, min_atoms, max(max_atoms, min_atoms))


def draw_circuit_arguments(draw: Any, c: Circuit, max_atoms: int = 3,
                           kinds: tuple[str, ...] = ("keep", "order", "reveal"), min_atoms: int = 0) -> Arguments:
    """`draw(circuit_arguments(c, ...))` inside a composite, with the same choices, without a strategy object
    for `c`: a circuit not met before costs a new one, which Hypothesis validates on its first draw (half of
    linearity's circuits are new)."""
    wires, laws = c.wires, _laws(c)
    options = _atom_kinds(wires, laws, kinds)
    if not options:
        return draw(circuit_arguments(c, max_atoms, kinds, min_atoms))
    return _drawn_arguments(draw, wires, laws, options, atom_lists(min_atoms, max(max_atoms, min_atoms)))


def _drawn_arguments(draw: Any, wires: tuple[str, ...], laws: tuple[tuple[str, Any], ...] | None,
                     options: tuple[str, ...], drawn_codes: Any) -> Arguments:
    """A list of atoms' codes drawn with `draw`, decoded into a consistent argument set."""
    return consistent([_atom(wires, laws, options, code) for code in draw(drawn_codes)])


@functools.lru_cache(maxsize=64)
def atom_lists(min_atoms: int, max_atoms: int) -> Any:
    """Lists of argument atoms' codes. Each code is mapped through `bytes` (which changes nothing) so that the
    list has another Hypothesis label than a circuit's list of gates: Hypothesis's mutator copies a span over
    another of the same label, and put atom lists (up to 3) in place of gate lists (18% of the gate lists
    drawn for linearity had exactly 3 gates)."""
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    return st.lists(codes().map(bytes), min_size=min_atoms, max_size=max_atoms)


def _circuit_arguments(wires: tuple[str, ...], laws: tuple[tuple[str, Any], ...] | None, kinds: tuple[str, ...],
                       min_atoms: int, max_atoms: int) -> Any:
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    options = _atom_kinds(wires, laws, kinds)
    if not options:
        return st.lists(st.nothing(), min_size=min_atoms, max_size=max_atoms).map(consistent)
    return _arguments_strategy()(wires, laws, options, atom_lists(min_atoms, max_atoms))


@functools.lru_cache(maxsize=1)
def _arguments_strategy() -> Any:
    """The argument sets drawn from a list of atoms' codes: one composite, defined once (defining one reads
    its function's source, a third of a millisecond), called with each circuit's wires and laws. A composite,
    not a map over the list: every mapped strategy has one Hypothesis label, the atoms' codes (mapped through
    `bytes`) too, and the guided engine's mutator copied whole argument sets over single atoms' codes."""
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    return st.composite(_drawn_arguments)


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
