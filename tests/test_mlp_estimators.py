"""Mean and covariance propagation through MLPs (estimators/mlp.py): exactness where theory says so,
agreement with Monte Carlo where the closure is exact, and a printed report of the closure error deep."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy

from heurcheck.arguments import Arguments
from heurcheck.domains.mlp import NetworkOrder
from heurcheck.domains.mlp import DOMAIN
from heurcheck.domains.mlp.model import MLP, Layer
from heurcheck.errors import OutsideDomain, UnsupportedDomain
from heurcheck.estimators.mlp import activate, mlp_covariance, mlp_mean, post_activation
from heurcheck.estimators.propagation import CovariancePropagation, CumulantPropagation, MeanPropagation

ACTS = ("relu", "erf", "tanh", "gelu", "identity", "square", "cube")
_erf = np.vectorize(math.erf, otypes=[float])


def tup(a: np.ndarray) -> tuple:
    return tuple(tup(x) for x in a) if a.ndim > 1 else tuple(float(x) for x in a)


def make(rng: np.random.Generator, dims: list[int], acts: list[str], explicit: bool = False,
         bias: float = 0.5, scale: float | None = None, readout: np.ndarray | None = None) -> MLP:
    layers = []
    for (fan_in, width), act in zip(zip(dims, dims[1:]), acts):
        sd = math.sqrt(2.0 / fan_in) if scale is None else scale
        layers.append(Layer(tup(rng.normal(0, sd, (width, fan_in))), tup(rng.normal(0, bias, width)), act))
    r = rng.normal(0, 1, dims[-1]) if readout is None else readout
    if not explicit:
        return MLP(dims[0], tuple(layers), tup(r))
    A = rng.normal(0, 0.7, (dims[0], dims[0]))
    return MLP(dims[0], tuple(layers), tup(r), tup(rng.normal(0, 1, dims[0])), tup(A @ A.T + 0.1 * np.eye(dims[0])))


def arrays(mlp: MLP) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray, str]], np.ndarray]:
    d = mlp.input_dim
    mu = np.zeros(d) if mlp.input_mean is None else np.array(mlp.input_mean, dtype=float)
    cov = np.eye(d) if mlp.input_cov is None else np.array(mlp.input_cov, dtype=float)
    return mu, cov, [(np.array(L.weights, dtype=float), np.array(L.bias, dtype=float), L.activation)
                     for L in mlp.layers], np.array(mlp.readout, dtype=float)


def monte_carlo(mlp: MLP, n: int, seed: int) -> tuple[float, float]:
    """(mean, standard error) of readout . h_L(x) over n seeded samples."""
    mu, cov, layers, r = arrays(mlp)
    rng = np.random.default_rng(seed)
    h = rng.multivariate_normal(mu, cov, size=n)
    for W, b, act in layers:
        h = activate(act, h @ W.T + b)
    y = h @ r
    return float(y.mean()), float(y.std() / math.sqrt(n))


def close(a: float, b: float, rel: float) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


# --------------------------------------------------------------------------- exactness at depth 1


@pytest.mark.parametrize("act", ["relu", "erf"])
@pytest.mark.parametrize("explicit", [False, True])
def test_depth_one_is_exact_against_closed_forms(act: str, explicit: bool) -> None:
    rng = np.random.default_rng(1 + explicit)
    for trial in range(5):
        mlp = make(rng, [4, 6], [act], explicit=explicit, bias=1.0)
        mu, cov, [(W, b, _)], r = arrays(mlp)
        m = W @ mu + b
        s = np.sqrt(np.diag(W @ cov @ W.T))
        if act == "relu":
            Phi = 0.5 * (1 + _erf(m / s / math.sqrt(2)))
            phi = np.exp(-0.5 * (m / s) ** 2) / math.sqrt(2 * math.pi)
            expected = float(r @ (s * phi + m * Phi))
        else:
            expected = float(r @ _erf(m / np.sqrt(1 + 2 * s * s)))
        for value in (mlp_mean(mlp), mlp_covariance(mlp), MeanPropagation().estimate(mlp, Arguments()),
                      CovariancePropagation().estimate(mlp, Arguments())):
            assert isinstance(value, float)
            assert close(value, expected, 1e-9), (trial, value, expected)


def test_zero_variance_units_are_constants() -> None:
    layer = Layer(((0.0, 0.0), (1.0, 0.0)), (-0.5, 0.25), "relu")
    mlp = MLP(2, (layer, Layer(((1.0, 1.0),), (0.0,), "erf")), (2.0,))
    for f in (mlp_mean, mlp_covariance):
        assert math.isfinite(f(mlp))
    single = MLP(2, (layer,), (1.0, 0.0))
    assert mlp_mean(single) == 0.0 and mlp_covariance(single) == 0.0


# --------------------------------------------------------------------------- mean = covariance when units are independent


@pytest.mark.parametrize("act", ACTS)
def test_mean_equals_covariance_when_units_are_independent(act: str) -> None:
    rng = np.random.default_rng(7)
    one = make(rng, [3, 5], [act], explicit=True)
    assert close(mlp_mean(one), mlp_covariance(one), 1e-12)
    width = 4  # diagonal weights: the units stay independent through two layers
    layers = tuple(Layer(tup(np.diag(rng.normal(0, 1, width))), tup(rng.normal(0, 0.5, width)), a) for a in (act, act))
    two = MLP(width, layers, tup(rng.normal(0, 1, width)))
    assert close(mlp_mean(two), mlp_covariance(two), 1e-12)


# --------------------------------------------------------------------------- polynomial networks


def test_identity_networks_are_exact_at_any_depth() -> None:
    rng = np.random.default_rng(3)
    mlp = make(rng, [3, 5, 4, 2], ["identity"] * 3, explicit=True)
    mu, _, layers, r = arrays(mlp)
    m = mu
    for W, b, _ in layers:
        m = W @ m + b
    assert close(mlp_mean(mlp), float(r @ m), 1e-12) and close(mlp_covariance(mlp), float(r @ m), 1e-12)


def test_square_and_cube_against_gaussian_moments() -> None:
    rng = np.random.default_rng(4)
    for act in ("square", "cube"):
        mlp = make(rng, [3, 4], [act], explicit=True)
        mu, cov, [(W, b, _)], r = arrays(mlp)
        m, v = W @ mu + b, np.diag(W @ cov @ W.T)
        expected = float(r @ (m * m + v if act == "square" else m ** 3 + 3 * m * v))
        assert close(mlp_mean(mlp), expected, 1e-12) and close(mlp_covariance(mlp), expected, 1e-12)
    # identity then square: layer 2's pre-activation is Gaussian, and only covariance sees its correlations
    mlp = make(rng, [3, 4, 2], ["identity", "square"], explicit=True)
    mu, cov, [(W1, b1, _), (W2, b2, _)], r = arrays(mlp)
    m, S = W2 @ (W1 @ mu + b1) + b2, W2 @ W1 @ cov @ W1.T @ W2.T
    expected = float(r @ (m * m + np.diag(S)))
    assert close(mlp_covariance(mlp), expected, 1e-12)
    assert not close(mlp_mean(mlp), expected, 1e-6)
    # square then square: E[h^2] for h = sum_i w_i u_i^2 + b by hand, u ~ N(0, I) independent
    w, b2 = np.array([0.7, -1.3]), 0.4
    sq = MLP(2, (Layer(((1.0, 0.0), (0.0, 1.0)), (0.0, 0.0), "square"), Layer((tup(w),), (b2,), "square")), (1.0,))
    m2 = w.sum() + b2  # E u^2 = 1, Var u^2 = 2
    assert close(mlp_mean(sq), m2 * m2 + 2 * (w * w).sum(), 1e-12)
    assert close(mlp_covariance(sq), m2 * m2 + 2 * (w * w).sum(), 1e-12)


# --------------------------------------------------------------------------- Monte Carlo where the closure is exact

N_MC = 200_000
QUADRATURE = {"relu": 1e-9, "erf": 1e-9, "tanh": 1e-6, "gelu": 1e-6}  # closure-error allowance (relative)


@pytest.mark.parametrize("act", ["relu", "erf", "tanh", "gelu"])
def test_agrees_with_monte_carlo_where_the_closure_is_exact(act: str) -> None:
    rng = np.random.default_rng(11)
    one = make(rng, [4, 8], [act], explicit=True)
    lin = make(rng, [4, 6, 5], ["identity", act])  # Gaussian pre-activations at layer 2: covariance exact
    for mlp, estimators in ((one, (mlp_mean, mlp_covariance)), (lin, (mlp_covariance,))):
        mc, se = monte_carlo(mlp, N_MC, seed=5)
        for f in estimators:
            value = f(mlp)
            assert abs(value - mc) <= 5 * se + QUADRATURE[act] * abs(value), (f.__name__, value, mc, se)


@pytest.mark.parametrize("act", ["relu", "erf", "tanh", "gelu"])
def test_pair_kernels_with_nonzero_means_against_monte_carlo(act: str) -> None:
    m, S = np.array([0.6, -0.4, 1.1]), np.array([[1.0, 0.7, -0.3], [0.7, 0.8, 0.2], [-0.3, 0.2, 1.5]])
    mean, cov = post_activation(act, m, S)
    f = activate(act, np.random.default_rng(2).multivariate_normal(m, S, size=N_MC))
    for i in range(3):
        for j in range(3):
            prod = f[:, i] * f[:, j]
            se = prod.std() / math.sqrt(N_MC)
            assert abs(cov[i, j] + mean[i] * mean[j] - prod.mean()) <= 5 * se, (i, j)


def test_deep_relu_closure_error_is_reported() -> None:
    rng = np.random.default_rng(21)
    for depth in (3, 4):
        mlp = make(rng, [16] + [32] * depth, ["relu"] * depth, bias=0.1, readout=np.full(32, 1 / 32))
        mc, se = monte_carlo(mlp, N_MC, seed=depth)
        mean, cov = mlp_mean(mlp), mlp_covariance(mlp)
        print(f"\ndepth {depth} width 32 relu: MC {mc:.5f} +- {se:.5f}; mean {mean:.5f} ({(mean - mc) / se:+.1f} se, "
              f"{(mean - mc) / mc:+.2%}); covariance {cov:.5f} ({(cov - mc) / se:+.1f} se, {(cov - mc) / mc:+.2%})")
        assert all(math.isfinite(x) for x in (mean, cov))
        assert np.sign(mean) == np.sign(mc) == np.sign(cov)


# --------------------------------------------------------------------------- the estimators on mlp


def test_estimators_on_mlp_numbers_arguments_and_cumulant() -> None:
    mlp = make(np.random.default_rng(5), [2, 3], ["relu"])
    exact = mlp.map_numbers(lambda x: Fraction(x))
    assert MeanPropagation().estimate(exact, Arguments()) == pytest.approx(mlp_mean(mlp), rel=1e-12)
    # order:K raises the order as on circuits: mean propagation asked for order 2 is the Gaussian closure
    assert MeanPropagation().estimate(mlp, Arguments([NetworkOrder(2)])) == mlp_covariance(mlp)
    assert CovariancePropagation().estimate(mlp, Arguments([NetworkOrder(1)])) == mlp_covariance(mlp)
    with pytest.raises(OutsideDomain, match="up to order 2"):
        MeanPropagation().estimate(mlp, Arguments([NetworkOrder(3)]))
    with pytest.raises(UnsupportedDomain, match="floats"):
        CovariancePropagation().estimate(mlp.map_numbers(lambda x: x * sympy.Symbol("t")), Arguments())
    with pytest.raises(UnsupportedDomain):
        CumulantPropagation().estimate(mlp, Arguments())
    assert "mlp" not in CumulantPropagation.domains


def test_the_shipped_mlp_examples_load_and_match_the_readme() -> None:
    from pathlib import Path

    from heurcheck import load_instance

    examples = Path(__file__).resolve().parent.parent / "examples" / "instances"
    two = load_instance(examples / "mlp-relu-2-layer.json")
    assert abs(mlp_covariance(two) - float(DOMAIN.truth(two, Arguments()))) <= 1e-12
    deep = load_instance(examples / "mlp-relu-depth3-width16.json")
    assert deep.depth == 3 and len(deep.readout) == 16
    # the figures the README quotes
    assert mlp_mean(deep) == pytest.approx(5.465818579, rel=1e-9)
    assert mlp_covariance(deep) == pytest.approx(5.764101493, rel=1e-9)
