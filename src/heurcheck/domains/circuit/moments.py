"""Moments and cumulants of the input laws, the output as a polynomial, and the exact truth.

Exact truth expands the output as a polynomial in the inputs and takes expectations with the
inputs' moments (Isserlis/Wick recursion for jointly Gaussian inputs), in exact rationals when
the parameters are rational. The number of monomials can grow exponentially with multiplicative
depth: expansion stops with `TruthTooExpensive` past `MAX_MONOMIALS` (100,000) monomials, which
in practice means up to about 12 inputs at degree 8, or 4 inputs at degree 30. When every input
has finite support and there are at most 2**16 joint assignments, enumeration is used instead.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from math import comb
from typing import Any

import numpy as np

from ...errors import TruthTooExpensive
from ...numbers import backend_of
from .model import Bernoulli, Circuit, Distribution, Gaussian, Rademacher, Uniform, condition, liveness


def _const_like(x: Any, q: int | Fraction) -> Any:
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

# --------------------------------------------------------------------------- exact truth

MAX_MONOMIALS = 100_000
MAX_ENUMERATION = 2**16
MAX_TRUTH_DEGREE = 256  # exact truth of a wire of higher degree is refused before any expansion


def degree_bound(circuit: Circuit, wire: str | None = None) -> int:
    """An upper bound on the degree of the output (or `wire`) in the inputs, counted gate by gate without
    expanding anything (a product adds its factors' degrees), so that repeated squaring (degree 2^64
    after 64 gates) is seen before any work is done."""
    target = circuit.wire_index(wire or circuit.output)
    degrees = [1] * len(circuit.inputs)
    for g in circuit.gates:
        if len(degrees) > target:
            break
        a = [degrees[circuit.wire_index(x)] for x in g.args]
        degrees.append(0 if g.op == "const" else sum(a) if g.op == "mul" else max(a))
    return degrees[target]


def _check_degree(circuit: Circuit, wire: str | None = None) -> None:
    bound = degree_bound(circuit, wire)
    if bound > MAX_TRUTH_DEGREE:
        shown = str(bound) if bound < 10**12 else f"about 2^{bound.bit_length() - 1}"
        raise TruthTooExpensive(f"exact truth: wire {wire or circuit.output!r} has degree up to {shown}, more than "
                                f"the limit of {MAX_TRUTH_DEGREE}")

Poly = dict[tuple[int, ...], Any]


def polynomial(circuit: Circuit, wire: str | None = None) -> Poly:
    """The output (or `wire`) as a polynomial in the inputs: exponent vector -> coefficient."""
    _check_degree(circuit, wire)
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


def degree(circuit: Circuit) -> int:
    """The degree of the output as a polynomial in the inputs (0 for a constant)."""
    return max((sum(m) for m, c in polynomial(circuit).items() if c != 0), default=0)


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
    _check_degree(circuit)
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
