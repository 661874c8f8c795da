"""Exact truth: polynomial networks through the circuit domain, depth-1 relu/erf networks in closed form.

(a) Every activation identity, square or cube: the network is compiled to an arithmetic circuit
(`to_circuit`: one input per coordinate, x ~ N(0, 1) independent or the explicit joint Gaussian
law) and the circuit domain's exact moments give E[Y] (exact rationals for rational parameters;
`TruthTooExpensive` past the circuit's monomial limit).

(b) Trailing identity layers are folded into the readout (r <- W^T r, plus r . b as a constant);
if one relu or erf layer is left, each unit's pre-activation is z_i ~ N(m_i, s_i^2) with
m_i = w_i . mu + b_i and s_i^2 = w_i^T Sigma w_i (exact), and
E relu(z) = s phi(m/s) + m Phi(m/s),  E erf(z) = erf(m / sqrt(1 + 2 s^2)),  (s = 0: relu(m), erf(m)),
evaluated with mpmath at 40 digits and returned as a float (relative error below 1e-12).

(c) A first layer of one unit followed by polynomial layers (identity, square, cube) only: the unit's
pre-activation is one Gaussian z ~ N(m, s^2) and Y = E[F(z)] with F the rest of the network, a
piecewise-smooth function of one variable. For a relu unit, F(z) = P(relu(z)) with P a polynomial
(composed exactly from the later layers), so E[Y] = P(0) Phi(-m/s) + sum_k p_k E[z^k; z > 0], and with
z = m + s u, a = -m/s, E[z^k; z > 0] = sum_j C(k, j) m^(k-j) s^j I_j, where I_j = E[u^j; u > a]
satisfies I_0 = Phi(-a), I_1 = phi(a), I_j = a^(j-1) phi(a) + (j-1) I_(j-2): a closed form, evaluated
with mpmath at 40 digits. For other units (erf, tanh, gelu), E[Y] = int F(m + s u) phi(u) du is taken
by tanh-sinh quadrature in float64 (vectorised over the nodes, the network evaluated layer by layer),
on pieces split at u = 0, +-8, +-38.5 and at -m/s where the activation bends, halving the step until
two sums agree to 1e-13 of the integral of |F phi| plus 1e-20; tested against mpmath's quadrature at 25 digits
to 1e-12 relative.

(d) Anything else raises `TruthTooExpensive` (Monte Carlo is available; see `domains.reference`).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import Any

import numpy as np

from ...errors import TruthTooExpensive
from ..circuit import Circuit, Gate, Gaussian, Input, JointGaussian
from ..circuit import truth as circuit_truth
from ..circuit.model import _is_zero
from .model import MLP, Layer
from .sampling import activate

CLOSED_FORM = frozenset({"relu", "erf"})
_MC_HINT = "Monte Carlo (the domain's monte_carlo, or the sampling estimator) is available"


class _Builder:
    """Appends gates with fresh ids; `None` stands for the constant 0 (no gate)."""

    def __init__(self) -> None:
        self.gates: list[Gate] = []

    def add(self, op: str, args: tuple[str, ...] = (), value: Any = None) -> str:
        wire = f"g{len(self.gates)}"
        self.gates.append(Gate(wire, op, args, value))
        return wire

    def affine(self, coefficients: tuple[Any, ...], wires: list[str | None], constant: Any) -> str | None:
        """sum_j c_j wire_j + constant, skipping zero terms."""
        total: str | None = None
        for c, w in zip(coefficients, wires):
            if w is None or _is_zero(c):
                continue
            term = w if (isinstance(c, (int, Fraction)) and c == 1) else self.add("scale", (w,), c)
            total = term if total is None else self.add("add", (total, term))
        if not _is_zero(constant):
            k = self.add("const", (), constant)
            total = k if total is None else self.add("add", (total, k))
        return total

    def activate(self, wire: str | None, activation: str) -> str | None:
        if wire is None or activation == "identity":
            return wire
        square = self.add("mul", (wire, wire))
        return square if activation == "square" else self.add("mul", (square, wire))


def to_circuit(net: MLP) -> Circuit:
    """The polynomial network as an arithmetic circuit over inputs x0..x{d-1} with output Y."""
    if not net.polynomial:
        bad = next(layer.activation for layer in net.layers if layer.activation not in ("identity", "square", "cube"))
        raise ValueError(f"only polynomial networks compile to circuits, this one has a {bad} layer")
    d = net.input_dim
    if net.input_mean is None or net.input_cov is None:
        inputs = tuple(Input(f"x{i}", Gaussian(0, 1)) for i in range(d))
        joint = None
    else:
        inputs = tuple(Input(f"x{i}") for i in range(d))
        joint = JointGaussian(tuple(net.input_mean), tuple(tuple(r) for r in net.input_cov))
    b = _Builder()
    below: list[str | None] = [f"x{i}" for i in range(d)]
    for layer in net.layers:
        below = [b.activate(b.affine(row, below, bias), layer.activation)
                 for row, bias in zip(layer.weights, layer.bias)]
    out = b.affine(tuple(net.readout), below, 0)
    if out is None:
        out = b.add("const", (), 0)
    return Circuit(inputs, tuple(b.gates), out, joint)


def _fold_identity(net: MLP) -> tuple[tuple[Layer, ...], tuple[Any, ...], Any]:
    """(layers left, readout, constant) after folding trailing identity layers into the readout."""
    layers = list(net.layers)
    readout: list[Any] = list(net.readout)
    constant: Any = 0
    while len(layers) > 1 and layers[-1].activation == "identity":
        top = layers.pop()
        for r, bias in zip(readout, top.bias):
            constant = constant + r * bias
        readout = [sum((readout[i] * top.weights[i][j] for i in range(top.width)), 0) for j in range(top.fan_in)]
    return tuple(layers), tuple(readout), constant


def unit_laws(net: MLP, layer: Layer) -> list[tuple[Any, Any]]:
    """(mean, variance) of each unit's pre-activation when `layer` reads the input directly (exact arithmetic)."""
    out = []
    for row, bias in zip(layer.weights, layer.bias):
        if net.input_mean is None or net.input_cov is None:
            mean, var = bias, sum((w * w for w in row), 0)
        else:
            mean = bias + sum((w * m for w, m in zip(row, net.input_mean)), 0)
            var = sum((row[i] * net.input_cov[i][j] * row[j] for i in range(len(row)) for j in range(len(row))), 0)
        out.append((mean, var))
    return out


def _mpf(mp: Any, v: Any) -> Any:
    if isinstance(v, Fraction):
        return mp.mpf(v.numerator) / v.denominator
    return mp.mpf(v)


def gaussian_expectation(activation: str, mean: Any, var: Any) -> Any:
    """E act(z) for z ~ N(mean, var), act relu or erf, as an mpmath number (closed form)."""
    import mpmath  # lazy: comes with sympy, only needed here

    mp = mpmath.mp
    m, v = _mpf(mp, mean), _mpf(mp, var)
    if activation == "relu":
        if v <= 0:
            return max(m, mp.mpf(0))
        s = mp.sqrt(v)
        t = m / s
        return s * mp.npdf(t) + m * mp.ncdf(t)
    if activation == "erf":
        return mp.erf(m / mp.sqrt(1 + 2 * v))
    raise ValueError(f"no closed form for {activation!r}")


def closed_form(net: MLP) -> float | None:
    """E[Y] for a network that is one relu/erf layer after folding trailing identity layers, else None."""
    layers, readout, constant = _fold_identity(net)
    if len(layers) != 1 or layers[0].activation not in CLOSED_FORM:
        return None
    import mpmath  # lazy: comes with sympy, slow to import, only for closed forms

    with mpmath.workdps(40):
        total = _mpf(mpmath.mp, constant)
        for r, (mean, var) in zip(readout, unit_laws(net, layers[0])):
            if _is_zero(r):
                continue
            total += _mpf(mpmath.mp, r) * gaussian_expectation(layers[0].activation, mean, var)
        return float(total)


def _polynomial_of_first_unit(mp: Any, net: MLP) -> list[Any]:
    """The coefficients (constant first) of Y as a polynomial in the first layer's one output h, when
    every later layer is polynomial (weighted sums, squares and cubes of polynomials in h)."""

    def times(p: list[Any], q: list[Any]) -> list[Any]:
        out = [mp.mpf(0)] * (len(p) + len(q) - 1)
        for i, a in enumerate(p):
            for j, b in enumerate(q):
                out[i + j] += a * b
        return out

    def weighted_sum(row: Any, units: list[list[Any]], constant: Any) -> list[Any]:
        out = [mp.mpf(0)] * max(len(u) for u in units)
        for w, u in zip(row, units):
            weight = _mpf(mp, w)
            for k, c in enumerate(u):
                out[k] += weight * c
        out[0] += _mpf(mp, constant)
        return out

    units = [[mp.mpf(0), mp.mpf(1)]]  # h itself
    for layer in net.layers[1:]:
        sums = [weighted_sum(row, units, b) for row, b in zip(layer.weights, layer.bias)]
        if layer.activation == "identity":
            units = sums
        elif layer.activation == "square":
            units = [times(p, p) for p in sums]
        else:
            units = [times(times(p, p), p) for p in sums]
    return weighted_sum(net.readout, units, 0)


def one_unit_relu(net: MLP) -> float | None:
    """E[Y] for a network whose first layer is one relu unit and whose other layers are polynomial, in
    closed form (see the module docstring), else None."""
    first, rest = net.layers[0], net.layers[1:]
    if first.width != 1 or first.activation != "relu" or \
            not all(layer.activation in ("identity", "square", "cube") for layer in rest):
        return None
    import mpmath  # lazy: comes with sympy, slow to import, only for this truth

    mp = mpmath.mp
    with mpmath.workdps(40):
        (mean, var), = unit_laws(net, first)
        m, v = _mpf(mp, mean), _mpf(mp, var)
        p = _polynomial_of_first_unit(mp, net)
        if v <= 0:
            h = max(m, mp.mpf(0))
            return float(mp.fsum(c * h**k for k, c in enumerate(p)))
        s = mp.sqrt(v)
        a = -m / s  # h = relu(m + s u) is positive exactly when u > a
        density = mp.npdf(a)
        partial = [mp.ncdf(-a), density]  # I_j = E[u^j; u > a] = a^(j-1) phi(a) + (j-1) I_(j-2)
        for j in range(2, len(p)):
            partial.append(a ** (j - 1) * density + (j - 1) * partial[j - 2])
        positive = mp.fsum(
            c * mp.fsum(mp.binomial(k, j) * m ** (k - j) * s**j * partial[j] for j in range(k + 1))
            for k, c in enumerate(p))
        return float(p[0] * mp.ncdf(a) + positive)


def one_unit_quadrature(net: MLP) -> float | None:
    """E[Y] for a network whose first layer has one unit and whose other layers are polynomial, by
    one-dimensional quadrature in float64 (see the module docstring), else None."""
    first, rest = net.layers[0], net.layers[1:]
    if first.width != 1 or not all(layer.activation in ("identity", "square", "cube") for layer in rest):
        return None
    (mean, var), = unit_laws(net, first)
    m, s = float(mean), math.sqrt(float(var))
    layers = [(np.array([[float(w) for w in row] for row in layer.weights]), np.array([float(b) for b in layer.bias]),
               layer.activation) for layer in rest]
    readout = np.array([float(r) for r in net.readout])

    def integrand(u: Any) -> Any:  # F(m + s u) phi(u) at the nodes u
        h = activate(m + s * u, first.activation)[None, :]
        for weights, bias, activation in layers:
            h = activate(weights @ h + bias[:, None], activation)
        return (readout @ h) * np.exp(-0.5 * u * u) / math.sqrt(2 * math.pi)

    if s == 0:
        return float(integrand(np.zeros(1))[0] * math.sqrt(2 * math.pi))
    centre = min(max(-m / s, -_TAIL), _TAIL)  # where the activation bends (relu's kink, erf's step)
    return _tanh_sinh(integrand, sorted({-_TAIL, -8.0, 0.0, 8.0, _TAIL, centre}))


_TAIL = 38.5  # phi(u) < 1e-300 beyond: the integrand's share there is below what a float can hold


def _tanh_sinh(f: Any, breaks: list[float]) -> float:
    """The integral of the vectorised `f` from breaks[0] to breaks[-1] by tanh-sinh quadrature on each piece
    between consecutive breaks, halving the step until two successive sums over all pieces agree to 1e-13
    of the integral of |f| plus 1e-20 (the error then falls about quadratically, far below that; the
    absolute 1e-20 settles integrals that are almost 0, whose pieces cancel); `TruthTooExpensive` if they
    still differ at a step of 2^-7."""
    lows, highs = np.array(breaks[:-1])[:, None], np.array(breaks[1:])[:, None]
    half, centre = (highs - lows) / 2, (highs + lows) / 2
    before = previous = None
    for level in range(1, 8):
        nodes, weights = _tanh_sinh_nodes(level)
        x = centre + half * nodes  # one row of nodes per piece
        w = half * weights
        values = f(x.ravel()) * w.ravel()
        total, scale = float(np.sum(values)), float(np.sum(np.abs(values)))
        if previous is not None and abs(total - previous) <= 1e-13 * scale + 1e-20:
            return total
        before, previous = previous, total
    raise TruthTooExpensive(f"mlp exact truth: the quadrature did not settle to 1e-13 at a step of 2^-7 (last two "
                            f"sums {before:.17g} and {previous:.17g}); {_MC_HINT}")


@functools.lru_cache(maxsize=8)
def _tanh_sinh_nodes(level: int) -> tuple[Any, Any]:
    """The tanh-sinh nodes and weights on [-1, 1] at a step of 2^-level (computed once per level)."""
    h = 2.0**-level
    t = np.arange(-int(3.2 / h), int(3.2 / h) + 1) * h  # beyond |t| = 3.2 the nodes sit on the ends
    inner = np.pi / 2 * np.sinh(t)
    return np.tanh(inner), h * (np.pi / 2 * np.cosh(t)) / np.cosh(inner) ** 2


def truth(net: MLP) -> Any:
    """The exact E[Y] (a Fraction for rational polynomial networks, a float from a closed form)."""
    if net.polynomial:
        try:
            return circuit_truth(to_circuit(net))
        except TruthTooExpensive as exc:
            raise TruthTooExpensive(f"mlp exact truth through its arithmetic circuit: {exc}; {_MC_HINT}") from None
    value = closed_form(net)
    if value is None:
        value = one_unit_relu(net)
    if value is None:
        value = one_unit_quadrature(net)
    if value is None:
        kinds = ", ".join(f"{layer.activation} ({layer.width} units)" for layer in net.layers)
        raise TruthTooExpensive(
            f"mlp exact truth is implemented for polynomial networks (identity, square, cube), for one "
            f"relu or erf layer (then identity layers only) and for a one-unit first layer followed by "
            f"polynomial layers; this network's layers are {kinds}; {_MC_HINT}"
        )
    return value
