"""Boolean circuits: Y = p(C) = Pr_x[C(x) = 1] for a DAG of AND/OR/XOR/NOT gates over independent bits.

JSON form::

    {"domain": "boolean",
     "inputs": [{"id": "a", "p": "1/3"}, {"id": "b"}],
     "gates": [{"id": "g1", "op": "and", "args": ["a", "b"]},
               {"id": "g2", "op": "not", "args": ["g1"]},
               {"id": "one", "op": "const", "value": 1},
               {"id": "g3", "op": "xor", "args": ["g2", "one"]}],
     "output": "g3"}

"p" is Pr[bit = 1]: an int, a decimal (read exactly: 0.1 is 1/10) or a string "p/q" in [0, 1],
1/2 when left out. "gates" may be left out. Gates are listed in topological order (arguments name
inputs or earlier gates). Ops: and, or, xor (2 args), not (1 arg), const ("value" 0 or 1, no args).
Unknown fields are errors.

Exact truth enumerates the 2**n assignments of the inputs the output depends on (revealed bits
excluded): the inputs are split into two halves, numpy evaluates the boolean matrix
M[h, l] = C(h, l), and M is contracted with exact integer weight numerators over a common
denominator, so the result is an exact Fraction for any rational p. Measured: 20 inputs and 200
gates take about 0.08 s (with p = 1/2 or with 6-digit rational p alike), 24 inputs about 1.2 s;
past `MAX_TRUTH_INPUTS` (24) free inputs it raises `TruthTooExpensive`.

Argument atoms: `reveal:a=1` (the bit a is known to be 1) and `constant:g3=0` (a certificate that
wire g3 is 0 on every input, checked by enumeration).
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Rational
from typing import Any, ClassVar

import numpy as np

from ..arguments import EMPTY, Arguments
from ..errors import InvalidArgument, InvalidInstance, InvalidOption, TruthTooExpensive
from ..jsonio import Node, number_to_json
from .base import MonteCarlo
from .circuit import Bernoulli, Circuit, Gate, Input

ARITY: dict[str, int] = {"and": 2, "or": 2, "xor": 2, "not": 1, "const": 0}
MAX_TRUTH_INPUTS = 24
MAX_CERTIFICATE_INPUTS = 20
HALF = Fraction(1, 2)

# Hypothesis shrinks `sampled_from` towards the first choice: the plain product gate first, the
# gates where correlations (and so estimator errors) arise later, and the degenerate constant last.
_OPS_BY_SIMPLICITY = ("and", "not", "or", "xor", "const")
_NUMPY_OPS: dict[str, Callable[..., Any]] = {
    "and": np.logical_and,
    "or": np.logical_or,
    "xor": np.logical_xor,
    "not": np.logical_not,
}
_BLOCK = 1 << 18  # entries of M evaluated at once: bounds memory to about 256 KB per live wire


@dataclass(frozen=True)
class BitInput:
    """An independent input bit with Pr[bit = 1] = p."""

    id: str
    p: Any = HALF


@dataclass(frozen=True)
class BoolGate:
    id: str
    op: str
    args: tuple[str, ...] = ()
    value: int | None = None  # for const only: 0 or 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "args", tuple(self.args))  # keep the gate hashable when given a list


@dataclass(frozen=True)
class BooleanCircuit:
    """A boolean circuit instance. Wires are the inputs (first) then the gates, in order."""

    inputs: tuple[BitInput, ...]
    gates: tuple[BoolGate, ...]
    output: str
    domain: ClassVar[str] = "boolean"
    _index: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", tuple(self.inputs))
        object.__setattr__(self, "gates", tuple(self.gates))
        index: dict[str, int] = {}
        for i, inp in enumerate(self.inputs):
            _new_id(index, inp.id, f"inputs[{i}].id")
            if isinstance(inp.p, (Rational, float)) and not 0 <= inp.p <= 1:
                raise InvalidInstance(f"field inputs[{i}].p: expected a number in [0, 1], got {inp.p!r}")
        for i, g in enumerate(self.gates):
            where = f"gates[{i}]"
            if g.op not in ARITY:
                raise InvalidInstance(f"field {where}.op: expected one of {', '.join(ARITY)}, got {g.op!r}")
            if len(g.args) != ARITY[g.op]:
                raise InvalidInstance(
                    f"field {where}.args: op {g.op!r} takes {ARITY[g.op]} arguments, got {len(g.args)}"
                )
            for a in g.args:
                if a not in index:
                    raise InvalidInstance(
                        f"field {where}.args: {a!r} is not an input or an earlier gate (gates are in topological order)"
                    )
            if g.op == "const" and (isinstance(g.value, bool) or g.value not in (0, 1)):
                raise InvalidInstance(f"field {where}.value: op 'const' needs a value 0 or 1, got {g.value!r}")
            if g.op != "const" and g.value is not None:
                raise InvalidInstance(f"field {where}.value: op {g.op!r} takes no value, got {g.value!r}")
            _new_id(index, g.id, f"{where}.id")
        if self.output not in index:
            raise InvalidInstance(f"field output: {self.output!r} is not a wire of the circuit")
        object.__setattr__(self, "_index", index)

    @property
    def wires(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.inputs) + tuple(g.id for g in self.gates)

    def has_wire(self, wire: str) -> bool:
        return wire in self._index

    def wire_index(self, wire: str) -> int:
        return self._index[wire]

    def is_input(self, wire: str) -> bool:
        return self._index.get(wire, len(self.inputs)) < len(self.inputs)

    def support(self, wire: str) -> tuple[str, ...]:
        """The ids of the inputs that `wire` depends on, in input order."""
        return tuple(i.id for i in self.inputs if i.id in _cone_wires(self, wire))

    def map_numbers(self, f: Callable[[Any], Any]) -> BooleanCircuit:
        """A copy with every p replaced by f(p) (const gate values are logic, not parameters)."""
        return BooleanCircuit(tuple(BitInput(i.id, f(i.p)) for i in self.inputs), self.gates, self.output)

    def parameters(self) -> list[Any]:
        """The p of every input, in input order."""
        return [i.p for i in self.inputs]


def _new_id(index: dict[str, int], wire: Any, where: str) -> None:
    if not isinstance(wire, str) or not wire:
        raise InvalidInstance(f"field {where}: expected a non-empty string, got {wire!r}")
    if wire in index:
        raise InvalidInstance(f"field {where}: duplicate wire id {wire!r}")
    index[wire] = len(index)


# ---------------------------------------------------------------- argument atoms


def _parse_assignment(kind: str, payload: str) -> tuple[str, int]:
    wire, eq, value = payload.rpartition("=")
    if not eq or not wire or value not in ("0", "1"):
        raise InvalidArgument(f"{kind}:{payload}: expected {kind}:WIRE=0 or {kind}:WIRE=1")
    return wire, int(value)


def _assignment_from_json(node: Node, key: str) -> tuple[str, int]:
    node = Node(node.value, node.path, InvalidArgument).object(("kind", key, "value"))
    return node[key].string(), node["value"].integer(0, 1)


@dataclass(frozen=True)
class RevealBit:
    """The argument "input bit `input` is `value`": the quantity becomes Pr[C(x) = 1 | x_input = value]."""

    input: str
    value: int
    kind: ClassVar[str] = "reveal"
    domain: ClassVar[str] = "boolean"

    @classmethod
    def from_text(cls, payload: str) -> RevealBit:
        return cls(*_parse_assignment(cls.kind, payload))

    @classmethod
    def from_json(cls, node: Node) -> RevealBit:
        return cls(*_assignment_from_json(node, "input"))

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "input": self.input, "value": self.value}

    def text(self) -> str:
        return f"{self.kind}:{self.input}={self.value}"

    def check(self, instance: BooleanCircuit) -> None:
        if not instance.is_input(self.input):
            raise InvalidArgument(f"{self.text()}: {self.input!r} is not an input of the circuit")
        if isinstance(self.value, bool) or self.value not in (0, 1):
            raise InvalidArgument(f"{self.text()}: expected a value 0 or 1, got {self.value!r}")


@dataclass(frozen=True)
class ProvedConstant:
    """A certificate that wire `wire` equals `value` on every assignment of the inputs (a logical fact)."""

    wire: str
    value: int
    kind: ClassVar[str] = "constant"
    domain: ClassVar[str] = "boolean"

    @classmethod
    def from_text(cls, payload: str) -> ProvedConstant:
        return cls(*_parse_assignment(cls.kind, payload))

    @classmethod
    def from_json(cls, node: Node) -> ProvedConstant:
        return cls(*_assignment_from_json(node, "wire"))

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "wire": self.wire, "value": self.value}

    def text(self) -> str:
        return f"{self.kind}:{self.wire}={self.value}"

    def check(self, instance: BooleanCircuit) -> None:
        """Verify the certificate by enumerating every assignment of the inputs the wire depends on."""
        if not instance.has_wire(self.wire):
            raise InvalidArgument(f"{self.text()}: {self.wire!r} is not a wire of the circuit")
        if isinstance(self.value, bool) or self.value not in (0, 1):
            raise InvalidArgument(f"{self.text()}: expected a value 0 or 1, got {self.value!r}")
        support = instance.support(self.wire)
        if len(support) > MAX_CERTIFICATE_INPUTS:
            raise InvalidArgument(
                f"{self.text()} cannot be checked: {self.wire} depends on {len(support)} inputs, "
                f"more than the limit of {MAX_CERTIFICATE_INPUTS}"
            )
        rows = np.arange(1 << len(support))
        bits = {x: ((rows >> j) & 1).astype(bool) for j, x in enumerate(support)}
        values = np.broadcast_to(_evaluate(instance, bits, self.wire), rows.shape)
        wrong = np.flatnonzero(values != bool(self.value))
        if wrong.size:
            r = int(wrong[0])
            when = ", ".join(f"{x}={(r >> j) & 1}" for j, x in enumerate(support))
            raise InvalidArgument(
                f"{self.text()} does not hold: {self.wire} is {1 - self.value} "
                + (f"when {when}" if when else "on every input")
            )


# ---------------------------------------------------------------- evaluation and ground truth


def _cone_wires(instance: BooleanCircuit, target: str) -> set[str]:
    needed = {target}
    for g in reversed(instance.gates):
        if g.id in needed:
            needed.update(g.args)
    return needed


def _evaluate(instance: BooleanCircuit, bits: Mapping[str, Any], target: str) -> Any:
    """The values of `target` given broadcastable boolean arrays for the inputs it depends on."""
    needed = _cone_wires(instance, target)
    gates = [g for g in instance.gates if g.id in needed]
    last_use = {a: i for i, g in enumerate(gates) for a in g.args}
    values = dict(bits)
    for i, g in enumerate(gates):
        if g.op == "const":
            values[g.id] = np.bool_(g.value)
        else:
            values[g.id] = _NUMPY_OPS[g.op](*(values[a] for a in g.args))
        # Drop wires after their last use so memory follows the circuit's width, not its size.
        for a in set(g.args):
            if last_use[a] == i and a != target:
                del values[a]
    return values[target]


def _revealed(instance: BooleanCircuit, arguments: Arguments) -> dict[str, int]:
    fixed: dict[str, int] = {}
    for atom in arguments.of(RevealBit):
        atom.check(instance)
        if fixed.setdefault(atom.input, atom.value) != atom.value:
            raise InvalidArgument(
                f"reveal:{atom.input}=0 and reveal:{atom.input}=1 contradict each other"
            )
    return fixed


def _weights(pairs: list[tuple[Any, Any]]) -> np.ndarray:
    """w[r] = prod_j pairs[j][bit j of r]: the weight of each assignment of one half of the inputs."""
    w = np.array([1], dtype=object)
    for w0, w1 in pairs:
        w = np.concatenate([w * w0, w * w1])  # input j becomes bit j of the row index
    return w


class _ExactRowSums:
    """sum_l M[h, l] w[l] per row h. Python-int weights are cut into int64 limbs so numpy does the work exactly."""

    def __init__(self, w: np.ndarray) -> None:
        self.w = w
        self.exact = all(isinstance(v, int) and v >= 0 for v in w)
        # A row sum of len(w) limbs below 2**limb stays below 2**62.
        self.limb = 62 - len(w).bit_length()
        count = -(-max(1, max(v.bit_length() for v in w)) // self.limb) if self.exact else 0
        mask = (1 << self.limb) - 1
        self.limbs = np.array([[(v >> (self.limb * k)) & mask for k in range(count)] for v in w], dtype=np.int64)

    def weighted_total(self, m: np.ndarray, row_weights: np.ndarray) -> Any:
        """sum_h row_weights[h] * sum_l m[h, l] w[l]."""
        if not self.exact:
            return (row_weights * (m.astype(np.int64).astype(object) @ self.w)).sum()
        partial = m.astype(np.int64) @ self.limbs
        return sum(
            sum(int(row_weights[h]) * int(partial[h, k]) for h in range(m.shape[0])) << (self.limb * k)
            for k in range(partial.shape[1])
        )


def _as_fraction(p: Any) -> Fraction | None:
    return Fraction(p) if isinstance(p, (Rational, float)) and not isinstance(p, bool) else None


def truth(instance: BooleanCircuit, arguments: Arguments = EMPTY) -> Any:
    """Pr[C(x) = 1 | revealed bits], exactly: a Fraction when every p is rational (floats are read exactly).

    Other parameter types (sympy) give the same sum computed with their own arithmetic.
    """
    fixed = _revealed(instance, arguments)
    support = set(instance.support(instance.output))
    free = [i for i in instance.inputs if i.id in support and i.id not in fixed]
    if len(free) > MAX_TRUTH_INPUTS:
        raise TruthTooExpensive(
            f"exact truth enumerates 2**{len(free)} assignments; the limit is {MAX_TRUTH_INPUTS} free inputs"
        )
    rational = [_as_fraction(i.p) for i in free]
    if all(q is not None for q in rational):
        # Common denominator: the weight of an assignment is prod (a_j or b_j - a_j) / prod b_j.
        pairs = [(q.denominator - q.numerator, q.numerator) for q in rational if q is not None]
        denominator = math.prod(q.denominator for q in rational if q is not None)
    else:
        pairs = [(1 - i.p, i.p) for i in free]
        denominator = 1
    half = len(free) // 2
    high, low = free[:half], free[half:]
    high_weights, low_sums = _weights(pairs[:half]), _ExactRowSums(_weights(pairs[half:]))
    columns = np.arange(1 << len(low))
    bits: dict[str, Any] = {x: np.bool_(v) for x, v in fixed.items()}
    bits |= {x.id: ((columns >> j) & 1).astype(bool)[None, :] for j, x in enumerate(low)}
    step = max(1, _BLOCK >> len(low))
    total: Any = 0
    for start in range(0, 1 << len(high), step):
        rows = np.arange(start, min(start + step, 1 << len(high)))
        bits |= {x.id: ((rows >> j) & 1).astype(bool)[:, None] for j, x in enumerate(high)}
        m = np.broadcast_to(_evaluate(instance, bits, instance.output), (rows.size, columns.size))
        total = total + low_sums.weighted_total(m, high_weights[rows])
    return Fraction(total, denominator) if denominator != 1 or isinstance(total, int) else total


def monte_carlo(instance: BooleanCircuit, arguments: Arguments, samples: int, seed: int) -> MonteCarlo:
    """The fraction of `samples` random assignments (numpy `default_rng(seed)`) on which C(x) = 1."""
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 2:
        raise InvalidOption(f"samples: expected an integer >= 2, got {samples!r}")
    fixed = _revealed(instance, arguments)
    rng = np.random.default_rng(seed)
    bits: dict[str, Any] = {x: np.bool_(v) for x, v in fixed.items()}
    for inp in instance.inputs:
        if inp.id not in fixed:
            bits[inp.id] = rng.random(samples) < float(inp.p)
    hits = np.broadcast_to(_evaluate(instance, bits, instance.output), (samples,))
    mean = float(hits.mean())
    return MonteCarlo(mean, math.sqrt(mean * (1 - mean) / (samples - 1)), samples, seed)


# ---------------------------------------------------------------- transformations


def restrict(instance: BooleanCircuit, input_id: str, value: int) -> BooleanCircuit:
    """C[x_i = value]: the input becomes a const gate with the same id, so every wire id keeps its meaning."""
    RevealBit(input_id, value).check(instance)
    inputs = tuple(i for i in instance.inputs if i.id != input_id)
    return BooleanCircuit(inputs, (BoolGate(input_id, "const", (), value),) + instance.gates, instance.output)


def to_circuit(instance: BooleanCircuit, arguments: Arguments | None = None) -> Circuit:
    """The arithmetisation over Bernoulli inputs: AND = ab, OR = a + b - ab, NOT = 1 - a, XOR = a + b - 2ab.

    Every input and gate keeps its id (the last arithmetic gate of a boolean gate carries the
    boolean gate's id); auxiliary gates are named like `g3.ab`, `g3.sum`, `g3.neg`, `g3.one`.
    Boolean constants and revealed bits become const gates.
    """
    for x, v in _revealed(instance, arguments or EMPTY).items():
        instance = restrict(instance, x, v)
    taken = set(instance.wires)
    gates = [ag for g in instance.gates for ag in _arithmetise(g, taken)]
    return Circuit(tuple(Input(i.id, Bernoulli(i.p)) for i in instance.inputs), tuple(gates), instance.output)


def _arithmetise(g: BoolGate, taken: set[str]) -> list[Gate]:
    def aux(suffix: str) -> str:
        wire, n = f"{g.id}.{suffix}", 1
        while wire in taken:  # a user's wire may already be called "g3.ab"
            n += 1
            wire = f"{g.id}.{suffix}{n}"
        taken.add(wire)
        return wire

    if g.op == "const":
        return [Gate(g.id, "const", (), g.value)]
    if g.op == "and":
        return [Gate(g.id, "mul", g.args)]
    if g.op == "not":
        one, neg = aux("one"), aux("neg")
        return [Gate(one, "const", (), 1), Gate(neg, "neg", g.args), Gate(g.id, "add", (one, neg))]
    ab, total, neg = aux("ab"), aux("sum"), aux("neg")
    correction = Gate(neg, "neg", (ab,)) if g.op == "or" else Gate(neg, "scale", (ab,), -2)
    return [Gate(ab, "mul", g.args), Gate(total, "add", g.args), correction, Gate(g.id, "add", (total, neg))]


# ---------------------------------------------------------------- JSON


def from_json(node: Node) -> BooleanCircuit:
    """Build and validate a circuit from its JSON form (see the module docstring)."""
    node.object(("domain", "inputs", "output"), ("gates",))
    node["domain"].string(("boolean",))
    inputs = []
    for item in node["inputs"].items():
        item.object(("id",), ("p",))
        p = item["p"].number(0, 1) if item.present("p") else HALF
        inputs.append(BitInput(item["id"].string(), p))
    gates = []
    for item in node.get("gates", []).items():
        item.object(("id", "op"), ("args", "value"))
        op = item["op"].string(tuple(ARITY))
        args = tuple(a.string() for a in item.get("args", []).items())
        value = item["value"].integer(0, 1) if item.present("value") else None
        gates.append(BoolGate(item["id"].string(), op, args, value))
    return BooleanCircuit(tuple(inputs), tuple(gates), node["output"].string())


def to_json(instance: BooleanCircuit) -> dict[str, Any]:
    """The JSON form; `from_json(Node(to_json(c))) == c` for rational p."""
    gates: list[dict[str, Any]] = []
    for g in instance.gates:
        gate: dict[str, Any] = {"id": g.id, "op": g.op}
        if g.args:
            gate["args"] = list(g.args)
        if g.value is not None:
            gate["value"] = g.value
        gates.append(gate)
    return {
        "domain": "boolean",
        "inputs": [{"id": i.id, "p": number_to_json(i.p)} for i in instance.inputs],
        "gates": gates,
        "output": instance.output,
    }


# ---------------------------------------------------------------- Hypothesis strategy


def _input_name(i: int) -> str:
    return string.ascii_lowercase[i] if i < 26 else f"x{i}"


def instances(max_inputs: int = 4, max_gates: int = 6, probabilities: str = "half") -> Any:
    """A Hypothesis strategy of circuits that shrinks structurally.

    Towards fewer gates and inputs, simpler ops (and, not, or, xor, const), arguments on earlier
    wires (each is drawn as an index into the wires defined so far, so deleting a gate keeps the
    circuit valid) and p = 1/2. The output is the last wire. `probabilities` is "half" (every
    p = 1/2) or "rational" (p in [0, 1] with denominator at most 12).
    """
    from hypothesis import strategies as st

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


# ---------------------------------------------------------------- the domain object


@dataclass(frozen=True)
class BooleanDomain:
    """The boolean-circuit domain: p(C) = Pr[C(x) = 1] over independent input bits."""

    name: ClassVar[str] = "boolean"
    summary: ClassVar[str] = "boolean circuits (and, or, xor, not) on independent bits: Y = Pr[C(x) = 1]"
    instance_type: ClassVar[type] = BooleanCircuit
    atom_types: ClassVar[tuple[type, ...]] = (RevealBit, ProvedConstant)

    def from_json(self, node: Node) -> BooleanCircuit:
        return from_json(node)

    def to_json(self, instance: BooleanCircuit) -> dict[str, Any]:
        return to_json(instance)

    def truth(self, instance: BooleanCircuit, arguments: Arguments) -> Any:
        return truth(instance, arguments)

    def monte_carlo(self, instance: BooleanCircuit, arguments: Arguments, samples: int, seed: int) -> MonteCarlo:
        return monte_carlo(instance, arguments, samples, seed)

    def instances(self, **limits: Any) -> Any:
        return instances(**limits)

    def restrict(self, instance: BooleanCircuit, input_id: str, value: int) -> BooleanCircuit:
        return restrict(instance, input_id, value)

    def to_circuit(self, instance: BooleanCircuit, arguments: Arguments | None = None) -> Circuit:
        return to_circuit(instance, arguments)


DOMAIN = BooleanDomain()

__all__ = [
    "DOMAIN",
    "BitInput",
    "BoolGate",
    "BooleanCircuit",
    "BooleanDomain",
    "ProvedConstant",
    "RevealBit",
    "instances",
    "monte_carlo",
    "restrict",
    "to_circuit",
    "truth",
]
