"""Arithmetic circuits: Y = E[C(x)] for a DAG of gates over random inputs.

JSON form::

    {"domain": "circuit",
     "inputs": [{"id": "x", "dist": "gaussian", "mean": 0, "var": 1},
                {"id": "b", "dist": "bernoulli", "p": "1/3"},
                {"id": "r", "dist": "rademacher"},
                {"id": "u", "dist": "uniform", "values": [0, 1, 3]}],
     "gates": [{"id": "g1", "op": "mul", "args": ["x", "x"]},
               {"id": "g2", "op": "scale", "args": ["g1"], "value": "1/2"},
               {"id": "g3", "op": "add", "args": ["g2", "b"]},
               {"id": "c", "op": "const", "value": 2},
               {"id": "g4", "op": "neg", "args": ["g3"]}],
     "output": "g4"}

Jointly Gaussian inputs leave out "dist" and give the whole law instead::

    {"domain": "circuit", "inputs": [{"id": "x"}, {"id": "y"}],
     "joint_gaussian": {"mean": [0, 0], "cov": [[1, "1/2"], ["1/2", 1]]}, ...}

Gates are listed in topological order (arguments name inputs or earlier gates). Numbers are
ints, decimals (read exactly: 0.1 is 1/10) or strings "p/q". Ops: const (value), add (2 args),
mul (2 args), neg (1 arg), scale (1 arg, value).

Exact truth expands the output as a polynomial in the inputs and takes expectations with the
inputs' moments (Isserlis/Wick recursion for jointly Gaussian inputs), in exact rationals when
the parameters are rational. The number of monomials can grow exponentially with multiplicative
depth: expansion stops with `TruthTooExpensive` past `MAX_MONOMIALS` (100,000) monomials, which
in practice means up to about 12 inputs at degree 8, or 4 inputs at degree 30. When every input
has finite support and there are at most 2**16 joint assignments, enumeration is used instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, ClassVar

from ..errors import InvalidInstance

OPS: dict[str, int] = {"const": 0, "add": 2, "mul": 2, "neg": 1, "scale": 1}


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
class Circuit:
    """An arithmetic circuit instance. Wires are the inputs (first) then the gates, in order."""

    inputs: tuple[Input, ...]
    gates: tuple[Gate, ...]
    output: str
    joint: JointGaussian | None = None
    domain: ClassVar[str] = "circuit"
    _index: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, int] = {}
        for i, inp in enumerate(self.inputs):
            _new_id(index, inp.id, f"inputs[{i}].id", i)
        base = len(self.inputs)
        for i, g in enumerate(self.gates):
            where = f"gates[{i}]"
            if g.op not in OPS:
                raise InvalidInstance(f"field {where}.op: expected one of {', '.join(OPS)}, got {g.op!r}")
            if len(g.args) != OPS[g.op]:
                raise InvalidInstance(
                    f"field {where}.args: op {g.op!r} takes {OPS[g.op]} arguments, got {len(g.args)}"
                )
            for a in g.args:
                if a not in index:
                    raise InvalidInstance(
                        f"field {where}.args: {a!r} is not an input or an earlier gate (gates are in topological order)"
                    )
            if (g.op in ("const", "scale")) != (g.value is not None):
                need = "needs" if g.op in ("const", "scale") else "takes no"
                raise InvalidInstance(f"field {where}.value: op {g.op!r} {need} a value, got {g.value!r}")
            _new_id(index, g.id, f"{where}.id", base + i)
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

    @property
    def wires(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.inputs) + tuple(g.id for g in self.gates)

    def wire_index(self, wire: str) -> int:
        return self._index[wire]

    def has_wire(self, wire: str) -> bool:
        return wire in self._index

    def gate(self, wire: str) -> Gate | None:
        i = self._index[wire] - len(self.inputs)
        return self.gates[i] if i >= 0 else None

    def map_numbers(self, f: Callable[[Any], Any]) -> Circuit:
        """A copy with every numeric parameter replaced by f(value)."""
        return Circuit(
            tuple(Input(i.id, _map_dist(i.dist, f)) for i in self.inputs),
            tuple(Gate(g.id, g.op, g.args, None if g.value is None else f(g.value)) for g in self.gates),
            self.output,
            None
            if self.joint is None
            else JointGaussian(tuple(map(f, self.joint.mean)), tuple(tuple(map(f, r)) for r in self.joint.cov)),
        )

    def parameters(self) -> list[Any]:
        """Every numeric parameter, in a fixed order."""
        out: list[Any] = []
        self.map_numbers(lambda v: out.append(v) or v)
        return out


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


# --------------------------------------------------------------------------- moments and cumulants


def _const_like(x: Any, q: int | Fraction) -> Any:
    from ..numbers import backend_of

    return backend_of([x]).const(q)


def raw_moments(d: Distribution, k: int) -> list[Any]:
    """E[x^0], ..., E[x^k] (generic arithmetic)."""
    if isinstance(d, Gaussian):
        m: list[Any] = [1, d.mean]
        for j in range(2, k + 1):
            m.append(d.mean * m[j - 1] + (j - 1) * d.var * m[j - 2])
        return m[: k + 1]
    if isinstance(d, Bernoulli):
        return [1] + [d.p] * k
    if isinstance(d, Rademacher):
        return [1 if j % 2 == 0 else 0 for j in range(k + 1)]
    inv = _const_like(d.values[0], Fraction(1, len(d.values)))
    out: list[Any] = [1]
    for j in range(1, k + 1):
        total = d.values[0] ** j
        for v in d.values[1:]:
            total = total + v**j
        out.append(total * inv)
    return out


def cumulants(d: Distribution, k: int) -> list[Any]:
    """kappa_1, ..., kappa_k of one input (index 0 is unused and 0)."""
    if isinstance(d, Gaussian):
        return [0, d.mean, d.var] + [0] * (k - 2) if k >= 2 else [0, d.mean][: k + 1]
    m = raw_moments(d, k)
    kappa: list[Any] = [0] * (k + 1)
    for n in range(1, k + 1):
        acc = m[n]
        for j in range(1, n):
            acc = acc - _binom(n - 1, j - 1) * kappa[j] * m[n - j]
        kappa[n] = acc
    return kappa


def _binom(n: int, k: int) -> int:
    from math import comb

    return comb(n, k)


def support(d: Distribution) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """(values, probabilities) for a finite-support input, else None."""
    if isinstance(d, Bernoulli):
        return (0, 1), (1 - d.p, d.p)
    if isinstance(d, Rademacher):
        return (-1, 1), (Fraction(1, 2), Fraction(1, 2))
    if isinstance(d, Uniform):
        q = Fraction(1, len(d.values))
        return d.values, (q,) * len(d.values)
    if isinstance(d, Gaussian) and d.var == 0:
        return (d.mean,), (1,)
    return None


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
        import z3

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
    """The sub-circuit that computes `wire` (same ids, same law), with `wire` as output."""
    need = {wire}
    for g in reversed(circuit.gates):
        if g.id in need:
            need.update(g.args)
    return Circuit(circuit.inputs, tuple(g for g in circuit.gates if g.id in need), wire, circuit.joint)


# --------------------------------------------------------------------------- exact truth

MAX_MONOMIALS = 100_000
MAX_ENUMERATION = 2**16

Poly = dict[tuple[int, ...], Any]


def polynomial(circuit: Circuit, wire: str | None = None) -> Poly:
    """The output (or `wire`) as a polynomial in the inputs: exponent vector -> coefficient."""
    from ..errors import TruthTooExpensive

    n = len(circuit.inputs)
    target = circuit.wire_index(wire or circuit.output)
    zero = (0,) * n
    polys: list[Poly] = []
    for i in range(n):
        e = [0] * n
        e[i] = 1
        polys.append({tuple(e): 1})
    for g in circuit.gates:
        if len(polys) > target:
            break
        a = [polys[circuit.wire_index(x)] for x in g.args]
        if g.op == "const":
            p: Poly = {zero: g.value}
        elif g.op == "neg":
            p = {m: -c for m, c in a[0].items()}
        elif g.op == "scale":
            p = {m: g.value * c for m, c in a[0].items()}
        elif g.op == "add":
            p = dict(a[0])
            for m, c in a[1].items():
                p[m] = p[m] + c if m in p else c
        else:
            if len(a[0]) * len(a[1]) > 4 * MAX_MONOMIALS:
                raise TruthTooExpensive(
                    f"exact truth by expansion: gate {g.id!r} multiplies polynomials of "
                    f"{len(a[0])} and {len(a[1])} monomials (limit {MAX_MONOMIALS})"
                )
            p = {}
            for m1, c1 in a[0].items():
                for m2, c2 in a[1].items():
                    m = tuple(x + y for x, y in zip(m1, m2))
                    p[m] = p[m] + c1 * c2 if m in p else c1 * c2
        if len(p) > MAX_MONOMIALS:
            raise TruthTooExpensive(
                f"exact truth by expansion: gate {g.id!r} has {len(p)} monomials (limit {MAX_MONOMIALS})"
            )
        polys.append(p)
    return polys[target]


def expectation(circuit: Circuit, poly: Poly) -> Any:
    """E[poly(x)] under the circuit's input law (moments; Isserlis recursion for a joint Gaussian)."""
    if not poly:
        return 0
    n = len(circuit.inputs)
    if circuit.joint is None:
        return moment_expectation(poly.items(), [inp.dist for inp in circuit.inputs])
    mu, cov = circuit.joint.mean, circuit.joint.cov
    memo: dict[tuple[int, ...], Any] = {(0,) * n: 1}

    def gauss(m: tuple[int, ...]) -> Any:
        # Stein: E[x_i M] = mu_i E[M] + sum_j cov_ij * e_j * E[M / x_j]
        if m in memo:
            return memo[m]
        i = next(k for k, e in enumerate(m) if e)
        rest = list(m)
        rest[i] -= 1
        r = tuple(rest)
        value = mu[i] * gauss(r)
        for j, e in enumerate(r):
            if e:
                lower = list(r)
                lower[j] -= 1
                value = value + cov[i][j] * e * gauss(tuple(lower))
        memo[m] = value
        return value

    total = 0
    for m, c in sorted(poly.items()):
        total = total + c * gauss(m)
    return total


def moment_expectation(terms: Any, dists: Any) -> Any:
    """E[sum of c * prod x_i^e_i] for independent inputs x_i with the given laws (their moments;
    generic arithmetic). `terms` holds (exponent vector, coefficient) pairs."""
    terms = list(terms)
    top = [max((m[i] for m, _ in terms), default=0) for i in range(len(dists))]
    moments = [raw_moments(d, k) for d, k in zip(dists, top)]
    total: Any = 0
    for m, c in terms:
        term = c
        for i, e in enumerate(m):
            if e:
                term = term * moments[i][e]
        total = total + term
    return total


def truth_by_enumeration(circuit: Circuit) -> Any:
    """E[C(x)] by summing over every joint assignment of finite-support inputs (exact on Fractions)."""
    import itertools

    import numpy as np

    from ..errors import TruthTooExpensive

    if circuit.joint is not None:
        raise TruthTooExpensive("enumeration needs independent finite-support inputs, not a joint Gaussian law")
    supports = [support(i.dist) for i in circuit.inputs]  # type: ignore[arg-type]
    if any(s is None for s in supports):
        raise TruthTooExpensive("enumeration needs every input to have finite support")
    size = 1
    for s in supports:
        size *= len(s[0])  # type: ignore[index]
    if size > MAX_ENUMERATION:
        raise TruthTooExpensive(f"enumeration over {size} assignments (limit {MAX_ENUMERATION})")
    combos = list(itertools.product(*[range(len(s[0])) for s in supports]))  # type: ignore[index]
    wires: list[Any] = []
    weights = np.ones(len(combos), dtype=object)
    for i, s in enumerate(supports):
        idx = np.array([c[i] for c in combos], dtype=int)
        wires.append(np.array(s[0], dtype=object)[idx])  # type: ignore[index]
        weights = weights * np.array(s[1], dtype=object)[idx]  # type: ignore[index]
    out = _evaluate(circuit, wires, np)
    return (out * weights).sum()


def _evaluate(circuit: Circuit, wires: list[Any], np: Any) -> Any:
    """Evaluate every gate on arrays of input values (float or object dtype); returns the output array."""
    target = circuit.wire_index(circuit.output)
    freed = liveness(circuit)
    values: dict[int, Any] = dict(enumerate(wires))
    like = wires[0] if wires else np.zeros(1)
    base = len(circuit.inputs)
    for gi, g in enumerate(circuit.gates):
        if base + gi > target:
            break
        a = [values[circuit.wire_index(x)] for x in g.args]
        if g.op == "const":
            v = np.full(like.shape, g.value, dtype=like.dtype)
        elif g.op == "neg":
            v = -a[0]
        elif g.op == "scale":
            v = a[0] * g.value
        elif g.op == "add":
            v = a[0] + a[1]
        else:
            v = a[0] * a[1]
        values[base + gi] = v
        for w in freed[gi]:
            values.pop(w, None)
    return values[target]


def truth(circuit: Circuit, revealed: dict[str, Any] | None = None) -> Any:
    """E[C(x) | revealed inputs]: expansion with moments, or enumeration when expansion is too big."""
    from ..errors import TruthTooExpensive

    c = condition(circuit, revealed or {})
    try:
        return expectation(c, polynomial(c))
    except TruthTooExpensive as expansion_error:
        try:
            return truth_by_enumeration(c)
        except TruthTooExpensive:
            raise expansion_error from None


def sample_inputs(circuit: Circuit, samples: int, rng: Any) -> list[Any]:
    """Float64 samples of every input (one array per input)."""
    import numpy as np

    if circuit.joint is not None:
        mean = np.array([float(m) for m in circuit.joint.mean])
        cov = np.array([[float(v) for v in r] for r in circuit.joint.cov])
        draws = rng.multivariate_normal(mean, cov, size=samples, method="eigh")
        return [draws[:, i] for i in range(len(mean))]
    out = []
    for inp in circuit.inputs:
        d = inp.dist
        if isinstance(d, Gaussian):
            out.append(rng.normal(float(d.mean), np.sqrt(float(d.var)), size=samples))
        elif isinstance(d, Bernoulli):
            out.append((rng.random(samples) < float(d.p)).astype(np.float64))
        elif isinstance(d, Rademacher):
            out.append(rng.choice(np.array([-1.0, 1.0]), size=samples))
        else:
            out.append(rng.choice(np.array([float(v) for v in d.values]), size=samples))  # type: ignore[union-attr]
    return out


# --------------------------------------------------------------------------- JSON


def dist_to_json(d: Distribution) -> dict[str, Any]:
    from ..jsonio import number_to_json as num

    if isinstance(d, Gaussian):
        return {"dist": "gaussian", "mean": num(d.mean), "var": num(d.var)}
    if isinstance(d, Bernoulli):
        return {"dist": "bernoulli", "p": num(d.p)}
    if isinstance(d, Rademacher):
        return {"dist": "rademacher"}
    return {"dist": "uniform", "values": [num(v) for v in d.values]}


def dist_from_json(node: Any) -> Distribution:
    kind = node["dist"].string(("gaussian", "bernoulli", "rademacher", "uniform"))
    if kind == "gaussian":
        node.object(("id", "dist", "mean", "var"))
        return Gaussian(node["mean"].number(), node["var"].number(minimum=0))
    if kind == "bernoulli":
        node.object(("id", "dist", "p"))
        return Bernoulli(node["p"].number(0, 1))
    if kind == "rademacher":
        node.object(("id", "dist"))
        return Rademacher()
    node.object(("id", "dist", "values"))
    return Uniform(tuple(v.number() for v in node["values"].items(min_len=1, max_len=10_000)))


def _joint_from_json(node: Any, n: int) -> JointGaussian:
    import numpy as np

    node.object(("mean", "cov"))
    mean = tuple(v.number() for v in node["mean"].items(n, n))
    rows = [tuple(v.number() for v in r.items(n, n)) for r in node["cov"].items(n, n)]
    for i in range(n):
        for j in range(i):
            if rows[i][j] != rows[j][i]:
                raise InvalidInstance(
                    f"field joint_gaussian.cov[{i}][{j}]: expected a symmetric matrix, "
                    f"got {rows[i][j]} but cov[{j}][{i}] = {rows[j][i]}"
                )
    if n:
        m = np.array([[float(v) for v in r] for r in rows])
        low = float(np.linalg.eigvalsh(m).min())
        if low < -1e-9 * max(1.0, float(np.abs(m).max())):
            raise InvalidInstance(
                f"field joint_gaussian.cov: expected a positive semidefinite matrix, smallest eigenvalue {low:.6g}"
            )
    return JointGaussian(mean, tuple(rows))


class CircuitDomain:
    """The `circuit` domain object (see the module docstring for the file format)."""

    name = "circuit"
    summary = "Y = E[C(x)] for an arithmetic circuit over independent or jointly Gaussian inputs"
    instance_type = Circuit

    @property
    def atom_types(self) -> tuple[type, ...]:
        return (KeepCumulant, CumulantOrder, RevealInput, ProvedNonNegative, ProvedEqual)

    def from_json(self, node: Any) -> Circuit:
        node.object(("domain", "inputs", "gates", "output"), ("joint_gaussian",))
        joint = node.present("joint_gaussian")
        inputs = []
        for item in node["inputs"].items(max_len=100_000):
            if joint:
                item.object(("id",))
                inputs.append(Input(item["id"].string()))
            else:
                inputs.append(Input(item["id"].string(), dist_from_json(item)))
        gates = []
        for item in node["gates"].items(max_len=1_000_000):
            item.object(("id", "op"), ("args", "value"))
            op = item["op"].string(tuple(OPS))
            args = tuple(a.string() for a in item.get("args", []).items())
            value = item["value"].number() if item.present("value") else None
            gates.append(Gate(item["id"].string(), op, args, value))
        law = _joint_from_json(node["joint_gaussian"], len(inputs)) if joint else None
        return Circuit(tuple(inputs), tuple(gates), node["output"].string(), law)

    def to_json(self, c: Circuit) -> dict[str, Any]:
        from ..jsonio import number_to_json as num

        out: dict[str, Any] = {"domain": "circuit"}
        out["inputs"] = [{"id": i.id} if i.dist is None else {"id": i.id, **dist_to_json(i.dist)} for i in c.inputs]
        if c.joint is not None:
            out["joint_gaussian"] = {
                "mean": [num(v) for v in c.joint.mean],
                "cov": [[num(v) for v in r] for r in c.joint.cov],
            }
        gates = []
        for g in c.gates:
            d: dict[str, Any] = {"id": g.id, "op": g.op}
            if g.args:
                d["args"] = list(g.args)
            if g.value is not None:
                d["value"] = num(g.value)
            gates.append(d)
        out["gates"] = gates
        out["output"] = c.output
        return out

    def truth(self, instance: Circuit, arguments: Any) -> Any:
        return truth(instance, revealed_values(arguments))

    def monte_carlo(self, instance: Circuit, arguments: Any, samples: int, seed: int) -> Any:
        import numpy as np

        from .base import MonteCarlo

        c = condition(instance, revealed_values(arguments)).map_numbers(float)
        rng = np.random.default_rng(seed)
        total, total_sq, done = 0.0, 0.0, 0
        while done < samples:
            chunk = min(65_536, samples - done)
            out = _evaluate(c, sample_inputs(c, chunk, rng), np)
            out = np.broadcast_to(out, (chunk,))
            total += float(out.sum())
            total_sq += float((out * out).sum())
            done += chunk
        mean = total / samples
        var = max(total_sq / samples - mean * mean, 0.0) * samples / max(samples - 1, 1)
        return MonteCarlo(mean, float(np.sqrt(var / samples)), samples, seed)

    def instances(self, **limits: Any) -> Any:
        return circuits(**limits)


DOMAIN = CircuitDomain()


# --------------------------------------------------------------------------- strategies


def circuits(
    max_inputs: int = 3,
    max_gates: int = 6,
    dists: tuple[str, ...] = ("rademacher", "bernoulli", "gaussian", "uniform"),
    joint: bool = False,
    ops: tuple[str, ...] = ("add", "mul", "scale", "neg", "const"),
    recent: bool = False,
) -> Any:
    """Hypothesis strategy of circuits with exact rational parameters.

    Shrinks structurally: fewer gates and inputs (lists), the first op and distribution in the
    given orders, arguments towards the first wires (with `recent`, towards the newest wires, which
    makes deep chains likely), parameters towards 0 and 1. Repeating an op in `ops` weights it;
    the pseudo-op "square" draws a product of one wire with itself.
    Gates the output does not depend on are dropped, so every gate of a shrunk circuit matters.
    """
    from hypothesis import strategies as st

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
    gate = st.tuples(st.sampled_from(ops), st.integers(0, 63), st.integers(0, 63), small)

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

    from .lifting import maybe_lifted

    return maybe_lifted(build())


# --------------------------------------------------------------------------- argument atoms


def _split_assignment(payload: str, kind: str) -> tuple[str, Fraction]:
    from ..errors import InvalidArgument
    from ..jsonio import exact_number

    name, eq, value = payload.partition("=")
    try:
        if not eq or not name.strip():
            raise ValueError
        return name.strip(), exact_number(value)
    except (ValueError, ZeroDivisionError):
        raise InvalidArgument(f"argument {kind}:{payload!r}: expected {kind}:WIRE=NUMBER, e.g. {kind}:x=1/2") from None


def _need_wire(instance: Circuit, wire: str, text: str) -> None:
    from ..errors import InvalidArgument

    if not instance.has_wire(wire):
        raise InvalidArgument(f"argument {text!r}: {wire!r} is not a wire of the circuit")


@dataclass(frozen=True)
class KeepCumulant:
    """Keep (propagate instead of dropping) the joint cumulant of this multiset of wires."""

    wires: tuple[str, ...]
    kind: ClassVar[str] = "keep"
    domain: ClassVar[str] = "circuit"

    def __post_init__(self) -> None:
        from ..errors import InvalidArgument

        if len(self.wires) < 2:
            raise InvalidArgument(f"argument keep:{','.join(self.wires)}: expected at least 2 wires (a joint cumulant)")
        object.__setattr__(self, "wires", tuple(sorted(self.wires)))

    def text(self) -> str:
        return "keep:" + ",".join(self.wires)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "wires": list(self.wires)}

    @classmethod
    def from_text(cls, payload: str) -> KeepCumulant:
        return cls(tuple(w.strip() for w in payload.split(",") if w.strip()))

    @classmethod
    def from_json(cls, node: Any) -> KeepCumulant:
        node.object(("kind", "wires"))
        return cls(tuple(w.string() for w in node["wires"].items(2, 64)))

    def check(self, instance: Circuit) -> None:
        for w in self.wires:
            _need_wire(instance, w, self.text())


@dataclass(frozen=True)
class CumulantOrder:
    """Keep every joint cumulant of order at most `order`."""

    order: int
    kind: ClassVar[str] = "order"
    domain: ClassVar[str] = "circuit"

    def __post_init__(self) -> None:
        from ..errors import InvalidArgument

        if isinstance(self.order, bool) or not isinstance(self.order, int) or not 1 <= self.order <= 64:
            raise InvalidArgument(f"argument order:{self.order}: expected an integer order from 1 to 64")

    def text(self) -> str:
        return f"order:{self.order}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "order": self.order}

    @classmethod
    def from_text(cls, payload: str) -> CumulantOrder:
        from ..errors import InvalidArgument

        try:
            return cls(int(payload))
        except ValueError:
            raise InvalidArgument(f"argument order:{payload!r}: expected order:K with K an integer") from None

    @classmethod
    def from_json(cls, node: Any) -> CumulantOrder:
        node.object(("kind", "order"))
        return cls(node["order"].integer(1, 64))

    def check(self, instance: Circuit) -> None:
        return None


@dataclass(frozen=True)
class RevealInput:
    """The input `input` is revealed to have the value `value`."""

    input: str
    value: Any
    kind: ClassVar[str] = "reveal"
    domain: ClassVar[str] = "circuit"

    def text(self) -> str:
        return f"reveal:{self.input}={self.value}"

    def to_json(self) -> dict[str, Any]:
        from ..jsonio import number_to_json

        return {"kind": self.kind, "input": self.input, "value": number_to_json(self.value)}

    @classmethod
    def from_text(cls, payload: str) -> RevealInput:
        return cls(*_split_assignment(payload, "reveal"))

    @classmethod
    def from_json(cls, node: Any) -> RevealInput:
        node.object(("kind", "input", "value"))
        return cls(node["input"].string(), node["value"].number())

    def check(self, instance: Circuit) -> None:
        from ..errors import InvalidArgument

        ids = [i.id for i in instance.inputs]
        if self.input not in ids:
            raise InvalidArgument(f"argument {self.text()!r}: {self.input!r} is not an input (inputs: {', '.join(ids)})")
        d = instance.inputs[ids.index(self.input)].dist
        s = support(d) if d is not None else None
        if s is not None and isinstance(self.value, (int, Fraction)) and self.value not in s[0]:
            raise InvalidArgument(
                f"argument {self.text()!r}: {self.value} is not in the support of {self.input} "
                f"({', '.join(str(v) for v in s[0])})"
            )


@dataclass(frozen=True)
class ProvedNonNegative:
    """A proof that `wire` is non-negative: a square, a product or sum of certified non-negative wires,
    a non-negative scale of one, a non-negative constant, or an input with non-negative support.
    The tool finds and checks the derivation (`check`)."""

    wire: str
    kind: ClassVar[str] = "nonneg"
    domain: ClassVar[str] = "circuit"

    def text(self) -> str:
        return f"nonneg:{self.wire}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "wire": self.wire}

    @classmethod
    def from_text(cls, payload: str) -> ProvedNonNegative:
        return cls(payload)

    @classmethod
    def from_json(cls, node: Any) -> ProvedNonNegative:
        node.object(("kind", "wire"))
        return cls(node["wire"].string())

    def check(self, instance: Circuit) -> None:
        from ..errors import InvalidArgument

        _need_wire(instance, self.wire, self.text())
        if not certified_nonnegative(instance, self.wire):
            raise InvalidArgument(
                f"argument {self.text()!r} does not check: {self.wire} is not syntactically a square, "
                "a sum or product of certified non-negative wires, or a non-negative input or constant"
            )


@dataclass(frozen=True)
class ProvedEqual:
    """A proof that `wire` always equals `value`, checked as a polynomial identity in the inputs."""

    wire: str
    value: Any
    kind: ClassVar[str] = "equal"
    domain: ClassVar[str] = "circuit"

    def text(self) -> str:
        return f"equal:{self.wire}={self.value}"

    def to_json(self) -> dict[str, Any]:
        from ..jsonio import number_to_json

        return {"kind": self.kind, "wire": self.wire, "value": number_to_json(self.value)}

    @classmethod
    def from_text(cls, payload: str) -> ProvedEqual:
        return cls(*_split_assignment(payload, "equal"))

    @classmethod
    def from_json(cls, node: Any) -> ProvedEqual:
        node.object(("kind", "wire", "value"))
        return cls(node["wire"].string(), node["value"].number())

    def check(self, instance: Circuit) -> None:
        from ..errors import InvalidArgument, TruthTooExpensive

        _need_wire(instance, self.wire, self.text())
        try:
            poly = {m: c for m, c in polynomial(cone(instance, self.wire)).items() if c != 0}
        except TruthTooExpensive as exc:
            raise InvalidArgument(f"argument {self.text()!r} cannot be checked: {exc}") from None
        zero = (0,) * len(instance.inputs)
        if any(m != zero for m in poly) or poly.get(zero, 0) != self.value:
            raise InvalidArgument(
                f"argument {self.text()!r} does not check: {self.wire} is not identically {self.value} "
                f"as a polynomial in the inputs"
            )


def certified_nonnegative(c: Circuit, wire: str) -> bool:
    """A syntactic sum-of-squares certificate for `wire >= 0` exists (found by structural recursion)."""
    memo: dict[str, bool] = {}

    def ok(w: str) -> bool:
        if w in memo:
            return memo[w]
        g = c.gate(w)
        if g is None:
            inp = c.inputs[c.wire_index(w)]
            s = support(inp.dist) if inp.dist is not None else None
            result = s is not None and all(v >= 0 for v in s[0])
        elif g.op == "const":
            result = g.value >= 0
        elif g.op == "mul":
            result = g.args[0] == g.args[1] or (ok(g.args[0]) and ok(g.args[1]))
        elif g.op == "add":
            result = ok(g.args[0]) and ok(g.args[1])
        elif g.op == "scale":
            result = g.value >= 0 and ok(g.args[0])
        else:
            result = False
        memo[w] = result
        return result

    return ok(wire)


def revealed_values(arguments: Any) -> dict[str, Any]:
    """Input id -> revealed value, from the RevealInput atoms of an argument set (None or empty: {})."""
    if not arguments:
        return {}
    return {a.input: a.value for a in arguments.of(RevealInput)}


def layered_circuit(gates: int, width: int = 32, seed: int = 0, mul_share: float = 0.3) -> Circuit:
    """A random layered circuit with `gates` gates over `width` Gaussian inputs: each gate reads two
    wires of the previous layer, so the live frontier stays near 2 * width (used by benchmarks)."""
    import numpy as np

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
