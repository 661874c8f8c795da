"""Mean and covariance propagation through a multilayer perceptron on Gaussian inputs (floats, numpy).

Both passes carry Gaussian summaries of the pre-activations layer by layer and map them through the
activation by Gaussian expectations:
- `mlp_mean` (the presumption of independence): the units of a layer are independent Gaussians;
  pre-activation mean W mu + b, variance (W o W) var, except at the first layer, where the input
  covariance is used exactly (variance diag(W Sigma W^T)); post-activation mean and variance per unit;
- `mlp_covariance` (Gaussian closure): the pre-activations of a layer are jointly Gaussian with mean
  W mu + b and covariance W Sigma W^T; post-activation means and the full covariance.
Both return readout . mean of the last layer. At depth 1 both are exact (the pre-activations are
Gaussian and the output mean needs their marginals only); so is `mlp_covariance` at any depth for
identity networks.

Gaussian expectations, for z ~ N(m, s^2) and (u, v) jointly Gaussian with variances a, b, covariance c:
- relu: closed forms E relu = s phi(m/s) + m Phi(m/s), E relu^2 = (m^2 + s^2) Phi(m/s) + m s phi(m/s);
  E[relu(u) relu(v)] by the truncated bivariate normal moment (Rosenbaum 1961), which holds for any
  means and reduces to the arc-cosine kernel at zero means; its orthant probability Phi_2 is the
  one-dimensional integral below;
- erf: E erf(z) = erf(m / sqrt(1 + 2 s^2)); Cov[erf u, erf v] = (2/pi) int_0^{arcsin rho}
  exp(-(h^2 - 2 h k sin t + k^2) / (2 cos^2 t)) dt with h = sqrt(2) m_u / sqrt(1 + 2a),
  k = sqrt(2) m_v / sqrt(1 + 2b), rho = 2c / sqrt((1 + 2a)(1 + 2b)) (the arcsine kernel
  (2/pi) arcsin(rho) at zero means); the smooth integrand is summed by Gauss-Legendre (48 nodes), and
  E erf(z)^2 is the same formula with u = v;
- identity, square, cube: exact Gaussian moments;
- tanh, gelu: Gauss-Hermite quadrature (64 nodes per unit; for pairs, 20 x 20 nodes through the
  Cholesky factor of the 2 x 2 covariance, each covariance taken against the same rule's means so
  that uncorrelated pairs get exactly zero).
A unit of zero variance is the constant f(m).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import numpy

from ..array_namespace import np  # numpy; flopscope's numpy while an operation count is taken
from ..domains.mlp.model import MLP
from ..errors import UnsupportedDomain
from ..vector_math import erf

Array = numpy.ndarray
GH_NODES = 64  # per unit (tanh, gelu)
GH_PAIR_NODES = 20  # per dimension, for pairs (tanh, gelu)
GL_NODES = 48  # Gauss-Legendre nodes of the Phi_2 / arcsine integral
_ROW_BLOCK = 16  # rows of the pair quadrature evaluated at once

def _Phi(x: Array) -> Array:
    return 0.5 * (1.0 + erf(np.asarray(x, dtype=float) / math.sqrt(2.0)))


def _phi(x: Array) -> Array:
    return np.exp(-0.5 * np.asarray(x, dtype=float) ** 2) / math.sqrt(2.0 * math.pi)


def activate(name: str, x: Array) -> Array:
    """The activation applied elementwise (floats)."""
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "erf":
        return erf(x)
    if name == "tanh":
        return np.tanh(x)
    if name == "gelu":
        return x * _Phi(x)
    if name == "identity":
        return np.asarray(x, dtype=float)
    if name == "square":
        return x * x
    if name == "cube":
        return x * x * x
    raise UnsupportedDomain(f"mlp propagation: unknown activation {name!r}")


@lru_cache(maxsize=None)
def _hermite(n: int) -> tuple[Array, Array]:
    """Nodes and weights of the n-point Gauss-Hermite rule for the standard normal law (weights sum to 1)."""
    x, w = np.polynomial.hermite_e.hermegauss(n)
    return x, w / w.sum()


@lru_cache(maxsize=None)
def _legendre(n: int) -> tuple[Array, Array]:
    return np.polynomial.legendre.leggauss(n)


def _theta_integral(h: Array, k: Array, rho: Array) -> Array:
    """int_0^{arcsin rho} exp(-(h^2 - 2 h k sin t + k^2) / (2 cos^2 t)) dt, elementwise.
    Phi_2(h, k; rho) = Phi(h) Phi(k) + this / (2 pi) (Sheppard; Drezner-Wesolowsky)."""
    x, w = _legendre(GL_NODES)
    top = np.arcsin(np.clip(rho, -1.0, 1.0))[..., None]
    t = 0.5 * top * (x + 1.0)
    h, k = np.asarray(h)[..., None], np.asarray(k)[..., None]
    cos2 = np.maximum(np.cos(t) ** 2, 1e-300)
    quad = np.maximum(h * h - 2.0 * h * k * np.sin(t) + k * k, 0.0)
    return np.asarray((0.5 * top * w * np.exp(-quad / (2.0 * cos2))).sum(axis=-1))


def _erf_cov(mu: Array, mv: Array, a: Array, b: Array, c: Array) -> Array:
    """Cov[erf u, erf v] for jointly Gaussian (u, v): means mu, mv, variances a, b, covariance c."""
    du, dv = 1.0 + 2.0 * a, 1.0 + 2.0 * b
    h, k = math.sqrt(2.0) * mu / np.sqrt(du), math.sqrt(2.0) * mv / np.sqrt(dv)
    return (2.0 / math.pi) * _theta_integral(h, k, 2.0 * c / np.sqrt(du * dv))


def _relu_second(mu: Array, mv: Array, su: Array, sv: Array, rho: Array) -> Array:
    """E[relu(u) relu(v)] for jointly Gaussian (u, v) with sd su, sv > 0 and correlation rho
    (the truncated bivariate normal moment; the arc-cosine kernel at zero means)."""
    au, av = mu / su, mv / sv
    q = np.sqrt(np.maximum(1.0 - rho * rho, 1e-300))
    p2 = _Phi(au) * _Phi(av) + _theta_integral(au, av, rho) / (2.0 * math.pi)
    r = np.sqrt(np.maximum(au * au - 2.0 * rho * au * av + av * av, 0.0) / (q * q))
    return ((mu * mv + rho * su * sv) * p2
            + mu * sv * _phi(av) * _Phi((au - rho * av) / q)
            + mv * su * _phi(au) * _Phi((av - rho * au) / q)
            + su * sv * q * _phi(r) / math.sqrt(2.0 * math.pi))


def unit_moments(name: str, m: Array, v: Array) -> tuple[Array, Array]:
    """Mean and variance of f(z) for z ~ N(m, v), elementwise (v = 0 gives f(m) and 0)."""
    m = np.asarray(m, dtype=float)
    v = np.maximum(np.asarray(v, dtype=float), 0.0)
    live = v > 0.0
    s = np.sqrt(v)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if name == "identity":
            mean, var = m.copy(), v.copy()
        elif name == "square":
            mean, var = m * m + v, 4.0 * m * m * v + 2.0 * v * v
        elif name == "cube":
            mean, var = m ** 3 + 3.0 * m * v, 9.0 * m ** 4 * v + 36.0 * m * m * v * v + 15.0 * v ** 3
        elif name == "relu":
            al = np.where(live, m / np.where(live, s, 1.0), 0.0)
            mean = s * _phi(al) + m * _Phi(al)
            var = (m * m + v) * _Phi(al) + m * s * _phi(al) - mean * mean
        elif name == "erf":
            mean = erf(m / np.sqrt(1.0 + 2.0 * v))
            var = _erf_cov(m, m, v, v, v)
        elif name in ("tanh", "gelu"):
            z, w = _hermite(GH_NODES)
            f = activate(name, m[..., None] + s[..., None] * z)
            mean = f @ w
            var = np.maximum(((f - mean[..., None]) ** 2) @ w, 0.0)
        else:
            raise UnsupportedDomain(f"mlp propagation: unknown activation {name!r}")
    mean = np.where(live, mean, activate(name, m))
    return mean, np.where(live, np.maximum(var, 0.0), 0.0)


def _pair_quadrature(name: str, m: Array, S: Array) -> Array:
    """Cov[f(u_i), f(u_j)] by the product Gauss-Hermite rule through the Cholesky factor of each 2 x 2
    block (rows with zero variance are left to the caller)."""
    n = len(m)
    z, w = _hermite(GH_PAIR_NODES)
    a = np.maximum(np.diag(S), 0.0)
    sa = np.sqrt(a)
    fu = activate(name, m[:, None] + sa[:, None] * z)  # (n, G)
    mean = fu @ w
    out = np.zeros((n, n))
    safe = np.where(a > 0.0, a, 1.0)
    for lo in range(0, n, _ROW_BLOCK):
        rows = slice(lo, min(n, lo + _ROW_BLOCK))
        l21 = S[rows] / np.sqrt(safe[rows])[:, None]  # (r, n)
        l22 = np.sqrt(np.maximum(a[None, :] - l21 * l21, 0.0))
        v = (m[None, :, None, None] + l21[:, :, None, None] * z[None, None, :, None]
             + l22[:, :, None, None] * z[None, None, None, :])  # (r, n, G, G)
        fv = activate(name, v) @ w  # (r, n, G): E over z2
        second = np.einsum("rg,rng,g->rn", fu[rows], fv, w)
        out[rows] = second - mean[rows, None] * mean[None, :]
    return 0.5 * (out + out.T)


def post_activation(name: str, m: Array, S: Array) -> tuple[Array, Array]:
    """Mean vector and covariance matrix of f(u) for u ~ N(m, S) under the Gaussian closure (exact
    for identity, square and cube; relu and erf by the closed forms; tanh and gelu by quadrature)."""
    a = np.maximum(np.diag(S), 0.0)
    mean, var = unit_moments(name, m, a)
    if name == "identity":
        return mean, S.copy()
    live = a > 0.0
    mi, mj = m[:, None], m[None, :]
    ai, aj = a[:, None], a[None, :]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if name == "square":
            cov = 2.0 * S * S + 4.0 * mi * mj * S
        elif name == "cube":
            # u^3 = m^3 + 3 m^2 x + 3 m x^2 + x^3 with x centred; Isserlis on each pair of terms
            cov = 9.0 * (mi * mi + ai) * (mj * mj + aj) * S + 6.0 * S ** 3 + 18.0 * mi * mj * S * S
        elif name == "erf":
            cov = _erf_cov(mi, mj, ai, aj, S)
        elif name == "relu":
            s = np.sqrt(np.where(live, a, 1.0))
            rho = np.clip(S / (s[:, None] * s[None, :]), -1.0, 1.0)
            cov = _relu_second(mi, mj, s[:, None], s[None, :], rho) - mean[:, None] * mean[None, :]
        else:
            cov = _pair_quadrature(name, m, S)
    cov = np.where(live[:, None] & live[None, :], cov, 0.0)
    np.fill_diagonal(cov, var)
    return mean, 0.5 * (cov + cov.T)


# --------------------------------------------------------------------------- the network


def _floats(values: Iterable[Any], shape: tuple[int, ...] | None = None) -> Array:
    try:
        out = np.array([float(x) for x in values], dtype=float)
    except (TypeError, ValueError) as exc:
        raise UnsupportedDomain(f"mlp propagation runs on floats; a parameter is not a number ({exc})") from None
    return out.reshape(shape) if shape is not None else out


def network_arrays(mlp: MLP) -> tuple[Array, Array, list[tuple[Array, Array, str]], Array]:
    """(input mean, input covariance, [(W, b, activation)], readout) as float arrays."""
    d = mlp.input_dim
    mu = np.zeros(d) if mlp.input_mean is None else _floats(mlp.input_mean)
    cov = np.eye(d) if mlp.input_cov is None else _floats((c for row in mlp.input_cov for c in row), (d, d))
    layers = []
    fan_in = d
    for layer in mlp.layers:
        W = _floats((x for row in layer.weights for x in row), (layer.width, fan_in))
        layers.append((W, _floats(layer.bias), layer.activation))
        fan_in = layer.width
    return mu, cov, layers, _floats(mlp.readout)


def mean_moments(mlp: MLP, moments: Callable[[str, Any, Any], tuple[Any, Any]] = unit_moments
                 ) -> list[tuple[Array, Array]]:
    """Per layer, the post-activation (means, variances) under the presumption of independence
    (`moments` is the per-layer rule, `unit_moments` by default: see estimators.rules)."""
    mu, cov, layers, _ = network_arrays(mlp)
    out: list[tuple[Array, Array]] = []
    m, v = mu, np.diag(cov)
    for k, (W, b, act) in enumerate(layers):
        pre_m = W @ m + b
        pre_v = np.einsum("ij,jk,ik->i", W, cov, W) if k == 0 else (W * W) @ v
        m, v = moments(act, pre_m, pre_v)
        out.append((m, v))
    return out


def covariance_moments(mlp: MLP, layer: Callable[[str, Any, Any], tuple[Any, Any]] = post_activation
                       ) -> list[tuple[Array, Array]]:
    """Per layer, the post-activation (mean vector, covariance matrix) under the Gaussian closure
    (`layer` is the per-layer rule, `post_activation` by default: see estimators.rules)."""
    m, S, layers, _ = network_arrays(mlp)
    out: list[tuple[Array, Array]] = []
    for W, b, act in layers:
        m, S = layer(act, W @ m + b, W @ S @ W.T)
        out.append((m, S))
    return out


def _output(mlp: MLP, moments: list[tuple[Array, Array]]) -> float:
    readout = _floats(mlp.readout)
    if not moments:
        mu = network_arrays(mlp)[0]
        return float(readout @ mu)
    return float(readout @ moments[-1][0])


def mlp_mean(mlp: MLP, moments: Callable[[str, Any, Any], tuple[Any, Any]] = unit_moments) -> float:
    """Mean propagation: readout . (the last layer's means) with the units of each layer independent."""
    return _output(mlp, mean_moments(mlp, moments))


def mlp_covariance(mlp: MLP, layer: Callable[[str, Any, Any], tuple[Any, Any]] = post_activation) -> float:
    """Covariance propagation: readout . (the last layer's means) under the Gaussian closure."""
    return _output(mlp, covariance_moments(mlp, layer))
