"""The circuit model: input laws, inputs, gates, the Circuit instance, conditioning and structure."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Callable, ClassVar, NoReturn

import numpy as np

from ...errors import InvalidInstance

OPS: dict[str, int] = {"const": 0, "add": 2, "mul": 2, "neg": 1, "scale": 1}
CONST, ADD, MUL, NEG, SCALE = range(5)  # the op codes of `Wiring`, in the order of OPS
CODES: dict[str, int] = {op: code for code, op in enumerate(OPS)}
ARITY: tuple[int, ...] = tuple(OPS.values())  # by op code


@dataclass(frozen=True)
class Gaussian:
    mean: Any
    var: Any
    kind: ClassVar[str] = "gaussian"


@dataclass(frozen=True)
class Bernoulli:
    p: Any
    kind: ClassVar[str] = "bernoulli"


@dataclass(frozen=True)
class Rademacher:
    kind: ClassVar[str] = "rademacher"


@dataclass(frozen=True)
class Uniform:
    """Uniform on a finite multiset of values."""

    values: tuple[Any, ...]
    kind: ClassVar[str] = "uniform"


Distribution = Gaussian | Bernoulli | Rademacher | Uniform


@dataclass(frozen=True)
class JointGaussian:
    mean: tuple[Any, ...]
    cov: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Input:
    id: str
    dist: Distribution | None = None  # None exactly when the circuit has a joint Gaussian law


@dataclass(frozen=True)
class Gate:
    id: str
    op: str
    args: tuple[str, ...] = ()
    value: Any = None  # for const and scale


@dataclass(frozen=True)
class Wiring:
    """The gates as flat arrays, one entry per gate in order: op code (CONST .. SCALE), the positions
    (wire indices) of its first and second argument, and its value (None unless const or scale).

    A one-argument gate has right == left and a const gate has left == right == its own position, so
    a walk over the arguments needs no test of the arity. Built with the circuit's validation, which
    looks every argument up anyway. Passes over it read machine integers from contiguous arrays
    instead of hashing wire ids or following pointers to integer objects spread over the heap, which
    keeps their cost per gate flat at 10^5 gates (a hash table of 10^5 ids does not fit in the caches).
    The arrays are never written after construction."""

    codes: bytes
    left: array[int]
    right: array[int]
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Circuit:
    """An arithmetic circuit instance. Wires are the inputs (first) then the gates, in order."""

    inputs: tuple[Input, ...]
    gates: tuple[Gate, ...]
    output: str
    joint: JointGaussian | None = None
    domain: ClassVar[str] = "circuit"
    _index: dict[str, int] | None = field(init=False, repr=False, compare=False, hash=False)  # None: not built yet
    _wiring: Wiring = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, int] = {}
        for i, inp in enumerate(self.inputs):
            _new_id(index, inp.id, f"inputs[{i}].id", i)
        base = len(self.inputs)
        codes: list[int] = []
        left: list[int] = []
        right: list[int] = []
        for i, g in enumerate(self.gates, start=base):
            # the checks of `_gate_error`, without formatting anything unless one fails
            op, args, gid = g.op, g.args, g.id
            code = CODES.get(op) if isinstance(op, str) else None
            if code is None or len(args) != ARITY[code]:
                _gate_error(i - base, g, index)
            a = b = i  # a const gate points at itself
            if args:
                a = b = index.get(args[0])  # type: ignore[assignment]
                if len(args) == 2:
                    b = index.get(args[1])  # type: ignore[assignment]
            if a is None or b is None or (code == CONST or code == SCALE) is (g.value is None) \
                    or not isinstance(gid, str) or not gid or gid in index:
                _gate_error(i - base, g, index)
            index[gid] = i
            codes.append(code)
            left.append(a)
            right.append(b)
        if self.output not in index:
            raise InvalidInstance(f"field output: {self.output!r} is not a wire of the circuit")
        has_dist = [inp.dist is not None for inp in self.inputs]
        if self.joint is None and not all(has_dist):
            bad = has_dist.index(False)
            raise InvalidInstance(f"field inputs[{bad}].dist: missing (or give a joint_gaussian law)")
        if self.joint is not None:
            if any(has_dist):
                bad = has_dist.index(True)
                raise InvalidInstance(f"field inputs[{bad}].dist: not allowed with a joint_gaussian law")
            n = len(self.inputs)
            if len(self.joint.mean) != n or len(self.joint.cov) != n or any(len(r) != n for r in self.joint.cov):
                raise InvalidInstance(f"field joint_gaussian: expected a mean of length {n} and a {n}x{n} cov")
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_wiring", Wiring(bytes(codes), array("i", left), array("i", right),
                                                   tuple(g.value for g in self.gates)))

    @property
    def wiring(self) -> Wiring:
        """The gates as flat arrays of op codes and argument positions (see `Wiring`)."""
        return self._wiring

    @property
    def wires(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.inputs) + tuple(g.id for g in self.gates)

    def _positions(self) -> dict[str, int]:
        """Wire id -> position; a cut circuit (see `cone`) builds it on first use."""
        index = self._index
        if index is None:
            index = {inp.id: i for i, inp in enumerate(self.inputs)}
            index.update((g.id, i) for i, g in enumerate(self.gates, start=len(self.inputs)))
            object.__setattr__(self, "_index", index)
        return index

    def wire_index(self, wire: str) -> int:
        return self._positions()[wire]

    def has_wire(self, wire: str) -> bool:
        return wire in self._positions()

    def gate(self, wire: str) -> Gate | None:
        i = self._positions()[wire] - len(self.inputs)
        return self.gates[i] if i >= 0 else None

    def map_numbers(self, f: Callable[[Any], Any]) -> Circuit:
        """A copy with every numeric parameter replaced by f(value).

        The copy has the same wires and gates, so it is not validated again (every estimator call maps the
        instance to floats: in a search of linearity these copies were 2,400 of the 4,000 validations of 500
        cases); its wiring's arrays and index of wire ids are shared. Only a mapped value of None (which would turn a
        const or scale gate into a malformed one) goes through validation, and fails there."""
        inputs = tuple(Input(i.id, _map_dist(i.dist, f)) for i in self.inputs)
        gates = tuple(Gate(g.id, g.op, g.args, None if g.value is None else f(g.value)) for g in self.gates)
        joint = None if self.joint is None else \
            JointGaussian(tuple(map(f, self.joint.mean)), tuple(tuple(map(f, r)) for r in self.joint.cov))
        values = tuple(g.value for g in gates)
        if any(new is None and old is not None for new, old in zip(values, self._wiring.values)):
            return Circuit(inputs, gates, self.output, joint)
        wiring = self._wiring
        copy = object.__new__(Circuit)
        for name, value in (("inputs", inputs), ("gates", gates), ("output", self.output), ("joint", joint),
                            ("_index", self._index), ("_wiring", Wiring(wiring.codes, wiring.left, wiring.right,
                                                                        values))):
            object.__setattr__(copy, name, value)
        return copy

    def parameters(self) -> list[Any]:
        """Every numeric parameter, in the order `map_numbers` visits them."""
        out: list[Any] = []

        def collect(v: Any) -> Any:
            out.append(v)
            return v

        for i in self.inputs:
            _map_dist(i.dist, collect)
        out.extend(g.value for g in self.gates if g.value is not None)
        if self.joint is not None:
            out.extend(self.joint.mean)
            out.extend(v for row in self.joint.cov for v in row)
        return out


def _gate_error(i: int, g: Gate, index: dict[str, int]) -> NoReturn:
    """Raise the error for gate `i`, which failed a check (checked in this order)."""
    where = f"gates[{i}]"
    if not isinstance(g.op, str) or g.op not in OPS:
        raise InvalidInstance(f"field {where}.op: expected one of {', '.join(OPS)}, got {g.op!r}")
    if len(g.args) != OPS[g.op]:
        raise InvalidInstance(f"field {where}.args: op {g.op!r} takes {OPS[g.op]} arguments, got {len(g.args)}")
    for a in g.args:
        if a not in index:
            raise InvalidInstance(
                f"field {where}.args: {a!r} is not an input or an earlier gate (gates are in topological order)"
            )
    if (g.op in ("const", "scale")) != (g.value is not None):
        need = "needs" if g.op in ("const", "scale") else "takes no"
        raise InvalidInstance(f"field {where}.value: op {g.op!r} {need} a value, got {g.value!r}")
    _new_id(index, g.id, f"{where}.id", len(index))
    raise AssertionError(f"gate {i} passed every check")  # pragma: no cover: called only after a failed check


def _new_id(index: dict[str, int], wire: str, where: str, position: int) -> None:
    if not isinstance(wire, str) or not wire:
        raise InvalidInstance(f"field {where}: expected a non-empty string, got {wire!r}")
    if wire in index:
        raise InvalidInstance(f"field {where}: duplicate wire id {wire!r}")
    index[wire] = position


def _map_dist(d: Distribution | None, f: Callable[[Any], Any]) -> Distribution | None:
    if isinstance(d, Gaussian):
        return Gaussian(f(d.mean), f(d.var))
    if isinstance(d, Bernoulli):
        return Bernoulli(f(d.p))
    if isinstance(d, Uniform):
        return Uniform(tuple(map(f, d.values)))
    return d

# --------------------------------------------------------------------------- conditioning


def condition(circuit: Circuit, revealed: dict[str, Any]) -> Circuit:
    """The circuit with the revealed inputs fixed to their values (a point mass, variance 0).

    For a jointly Gaussian law the other inputs are conditioned too (Schur complement), so the
    result's law is the conditional law given the revealed values. Generic arithmetic.
    """
    if not revealed:
        return circuit
    if circuit.joint is None:
        return Circuit(
            tuple(Input(i.id, Gaussian(revealed[i.id], 0)) if i.id in revealed else i for i in circuit.inputs),
            circuit.gates,
            circuit.output,
        )
    mean = list(circuit.joint.mean)
    cov = [list(r) for r in circuit.joint.cov]
    n = len(mean)
    for wire, value in revealed.items():
        k = circuit.wire_index(wire)
        skk = cov[k][k]
        if _is_zero(skk):
            mean[k] = value
            continue
        shift = value - mean[k]
        col = [cov[i][k] for i in range(n)]
        for i in range(n):
            mean[i] = mean[i] + col[i] * shift / skk
        for i in range(n):
            for j in range(n):
                cov[i][j] = cov[i][j] - col[i] * col[j] / skk
        mean[k] = value  # exact even when the division above rounds
    return Circuit(circuit.inputs, circuit.gates, circuit.output,
                   JointGaussian(tuple(mean), tuple(tuple(r) for r in cov)))


def _is_zero(x: Any) -> bool:
    module = type(x).__module__
    if module.startswith("z3"):
        import z3  # lazy: optional and heavy, and only reached when x already is a z3 term

        return bool(z3.is_rational_value(x) and x.as_fraction() == 0)
    if module.startswith("sympy"):
        return bool(x.is_zero)
    return bool(x == 0)


# --------------------------------------------------------------------------- structure


def liveness(circuit: Circuit) -> list[tuple[int, ...]]:
    """For each gate position, the wires whose last use is that gate (never the output)."""
    last: dict[int, int] = {}
    for gi, g in enumerate(circuit.gates):
        for a in g.args:
            last[circuit.wire_index(a)] = gi
    out_idx = circuit.wire_index(circuit.output)
    freed: list[list[int]] = [[] for _ in circuit.gates]
    for w, gi in last.items():
        if w != out_idx:
            freed[gi].append(w)
    return [tuple(sorted(set(f))) for f in freed]


def cone(circuit: Circuit, wire: str) -> Circuit:
    """The sub-circuit that computes `wire` (same ids, same law), with `wire` as output.

    One backward walk over the wiring's integer positions (no set of wire ids)."""
    base, out = len(circuit.inputs), circuit.wire_index(wire)
    wiring = circuit.wiring
    need = bytearray(base + len(circuit.gates))
    need[out] = 1
    left, right = wiring.left, wiring.right
    for w in range(out, base - 1, -1):  # gates after `wire` never feed it
        if need[w]:
            need[left[w - base]] = need[right[w - base]] = 1
    kept = need.count(1, base)
    if wire == circuit.output and kept == len(circuit.gates):
        return circuit  # nothing to cut: no copy
    return _valid_cut(circuit, need, kept, wire)


def _valid_cut(circuit: Circuit, need: bytearray, kept: int, output: str) -> Circuit:
    """The circuit with only the gates whose position is marked in `need` (closed under arguments)
    and `output`.

    Valid by construction, so it is not validated again: `Circuit(...)` re-checked every gate and
    formatted its field path, which made `cone` the largest cost of mean propagation (0.5 us a gate
    at 10^3 gates, 2.5 at 10^5, against 0.1-0.8 for the pass itself). Its wiring is carried over and
    its index of wire ids is built only when asked for: the mean pass never asks but for the output."""
    base = len(circuit.inputs)
    picked, codes, left, right = (_cut_wiring_numpy if len(need) >= _NUMPY_FROM else _cut_wiring_loop)(
        circuit.wiring, need, base)
    pick = _picker(picked)
    cut_wiring = Wiring(codes, left, right, pick(circuit.wiring.values))
    gates = pick(circuit.gates)
    cut = object.__new__(Circuit)
    for name, value in (("inputs", circuit.inputs), ("gates", gates), ("output", output), ("joint", circuit.joint),
                        ("_index", None), ("_wiring", cut_wiring)):
        object.__setattr__(cut, name, value)
    return cut


_NUMPY_FROM = 256  # wires: below, numpy's fixed cost per call exceeds a loop's (7 us against 40 at 7 wires)


_CutWiring = tuple[list[int], bytes, "array[int]", "array[int]"]


def _cut_wiring_loop(wiring: Wiring, need: bytearray, base: int) -> _CutWiring:
    """The gates marked in `need` (their positions among the gates), and their op codes and argument
    positions, renumbered: a loop, for small circuits."""
    position = list(range(len(need)))
    picked: list[int] = []
    for w in range(base, len(need)):
        if need[w]:
            position[w] = base + len(picked)
            picked.append(w - base)
    return (picked, bytes(wiring.codes[k] for k in picked), array("i", [position[wiring.left[k]] for k in picked]),
            array("i", [position[wiring.right[k]] for k in picked]))


def _cut_wiring_numpy(wiring: Wiring, need: bytearray, base: int) -> _CutWiring:
    """`_cut_wiring_loop` vectorised, for large circuits (a loop cost more than the backward walk)."""
    marked = np.frombuffer(need, dtype=np.uint8)[base:].nonzero()[0]  # positions among the gates
    position = np.arange(len(need), dtype=np.int32)  # old position -> new position (inputs keep theirs)
    position[base + marked] = base + np.arange(len(marked), dtype=np.int32)
    return (marked.tolist(), np.frombuffer(wiring.codes, dtype=np.uint8)[marked].tobytes(),
            _positions_array(position[np.frombuffer(wiring.left, dtype=np.int32)[marked]]),
            _positions_array(position[np.frombuffer(wiring.right, dtype=np.int32)[marked]]))


def with_output(circuit: Circuit, wire: str) -> Circuit:
    """The same circuit (inputs, gates, law) with `wire` as its output. Shares the circuit's index and
    wiring instead of validating the gates again."""
    index = circuit._positions()
    if wire not in index:
        raise InvalidInstance(f"field output: {wire!r} is not a wire of the circuit")
    out = object.__new__(Circuit)
    for name, value in (("inputs", circuit.inputs), ("gates", circuit.gates), ("output", wire),
                        ("joint", circuit.joint), ("_index", index), ("_wiring", circuit.wiring)):
        object.__setattr__(out, name, value)
    return out


def _picker(positions: list[int]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """The items of a tuple at `positions`, as a tuple (operator.itemgetter, which returns a bare item
    for one position and takes none)."""
    if len(positions) == 1:
        only = positions[0]
        return lambda items: (items[only],)
    return itemgetter(*positions) if positions else (lambda items: ())


def _positions_array(values: np.ndarray) -> array[int]:
    out = array("i")
    out.frombytes(values.astype(np.int32).tobytes())
    return out


def renamed(c: Circuit, prefix: str) -> Circuit:
    """The same circuit with every wire id prefixed (so two copies can live side by side)."""
    return Circuit(tuple(Input(prefix + i.id, i.dist) for i in c.inputs),
                   tuple(Gate(prefix + g.id, g.op, tuple(prefix + a for a in g.args), g.value) for g in c.gates),
                   prefix + c.output)


def side_by_side(y: Circuit, d: Circuit) -> Circuit:
    """One circuit holding both (wire ids disjoint), whose output is Y's."""
    return Circuit(y.inputs + d.inputs, y.gates + d.gates, y.output)


def product_of(x: Circuit, y: Circuit) -> tuple[Circuit, Circuit, Circuit]:
    """(X, Y, XY) over one shared circuit whose inputs are X's and Y's (wire ids disjoint)."""
    both = Circuit(x.inputs + y.inputs, x.gates + y.gates + (Gate("XY", "mul", (x.output, y.output)),), "XY")
    return Circuit(both.inputs, both.gates, x.output), Circuit(both.inputs, both.gates, y.output), both
