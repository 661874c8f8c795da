"""The mlp domain: JSON form and its errors, exact truth, Monte Carlo, the generator, the CLI and the strategy."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings

from heurcheck import load_instance
from heurcheck.cli import main
from heurcheck.domains import get_domain
from heurcheck.domains.mlp import MLP, Layer, instances, research_mlp, to_circuit
from heurcheck.errors import InvalidInstance, TruthTooExpensive
from heurcheck.jsonio import Node, parse_json

D = get_domain("mlp")
EXAMPLE = ('{"domain": "mlp", "input": {"dim": 3}, "layers": [{"weights": [[0.5, -1, 0.25], [1, 0, -0.5]], '
           '"bias": [0, 0.1], "activation": "relu"}, {"weights": [[1, -2]], "activation": "identity"}], '
           '"readout": [1]}')


def load(doc: Any) -> MLP:
    return D.from_json(Node(parse_json(doc) if isinstance(doc, str) else doc))


def doc(**changes: Any) -> dict[str, Any]:
    d = parse_json(EXAMPLE)
    d.update(changes)
    return {k: v for k, v in d.items() if v is not None}  # None removes a field


def one_layer(weights: list[list[Any]], activation: str, bias: list[Any] | None = None, **law: Any) -> MLP:
    w = tuple(tuple(Fraction(v) for v in row) for row in weights)
    b = tuple(Fraction(v) for v in bias) if bias else (0,) * len(w)
    mean = tuple(map(Fraction, law["mean"])) if "mean" in law else None
    cov = tuple(tuple(map(Fraction, r)) for r in law["cov"]) if "cov" in law else None
    return MLP(len(w[0]), (Layer(w, b, activation),), (1,) * len(w), mean, cov)


# --------------------------------------------------------------------------- JSON form


def test_the_documented_example_reads_exactly_and_round_trips() -> None:
    x = load(EXAMPLE)
    assert x.input_dim == 3 and x.depth == 2 and x.readout == (1,)
    assert x.layers[0].weights[0] == (Fraction(1, 2), -1, Fraction(1, 4)) and x.layers[0].bias == (0, Fraction(1, 10))
    assert x.layers[1].bias == (0,)
    assert D.from_json(Node(D.to_json(x))) == x
    assert load(json.dumps(D.to_json(x))) == x


def test_floats_and_an_explicit_law_round_trip() -> None:
    x = research_mlp(2, 4, seed=3, bias_std=0.5)
    assert D.from_json(Node(D.to_json(x))) == x
    y = load({"domain": "mlp", "input": {"mean": [1, "1/2"], "cov": [[2, 1], [1, 2]]},
              "layers": [{"weights": [[1, 1]], "activation": "square"}]})
    assert y.input_cov == ((2, 1), (1, 2)) and y.input_mean == (1, Fraction(1, 2))
    assert D.from_json(Node(D.to_json(y))) == y


@pytest.mark.parametrize("changes, words", [
    ({"layers": [{"weights": [[1, 2, 3]], "activation": "sigmoid"}]},
     ["$.layers[0].activation", "sigmoid", "one of relu, erf, tanh, gelu, identity, square, cube"]),
    ({"layers": [{"weights": [[1, 2]], "activation": "relu"}]}, ["$.layers[0].weights[0]", "expected 3 entries", "got 2"]),
    ({"layers": [{"weights": [[1, 2, 3]], "bias": [0, 1], "activation": "relu"}]},
     ["$.layers[0].bias", "expected 1 entries", "got 2"]),
    ({"layers": [{"weights": [[1, 2, 3], [1, 1, 1]], "activation": "relu"},
                 {"weights": [[1, 2, 3]], "activation": "relu"}]},
     ["$.layers[1].weights[0]", "expected 2 entries", "width of layers[0]", "got 3"]),
    ({"layers": [{"weights": [[1, 2, 3], [1, 1, 1]], "activation": "relu"}], "readout": [1]},
     ["$.readout", "expected 2 entries", "got 1"]),
    ({"layers": [{"weights": [[1, 2, 3], [1, 1, 1]], "activation": "relu"}], "readout": None},
     ["$.readout", "missing", "2"]),
    ({"layers": []}, ["$.layers", "1 to 1000 items", "got 0"]),
    ({"layers": [{"weights": [["x", 2, 3]], "activation": "relu"}]}, ["$.layers[0].weights[0][0]", "a number", "x"]),
    ({"input": {"dim": 0}}, ["$.input.dim", "an integer in [1,", "0"]),
    ({"input": {}}, ["$.input", "dim", "mean", "cov"]),
    ({"input": {"mean": [0, 0, 0]}}, ["$.input.cov", "missing"]),
    ({"input": {"dim": 2, "mean": [0, 0, 0], "cov": [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}},
     ["$.input.dim", "expected 3", "got 2"]),
    ({"input": {"mean": [0, 0, 0], "cov": [[1, 0], [0, 1]]}}, ["$.input.cov", "expected 3 rows", "got 2"]),
    ({"input": {"mean": [0, 0, 0], "cov": [[1, 0, 0], [0, 1, 0], [1, 0, 1]]}},
     ["$.input.cov[2][0]", "symmetric", "got 1"]),
    ({"input": {"mean": [0, 0, 0], "cov": [[1, 2, 0], [2, 1, 0], [0, 0, 1]]}},
     ["$.input.cov", "positive semidefinite", "LDL^T", "smallest eigenvalue -1"]),
    ({"colour": "red"}, ["$.colour", "unknown field"]),
])
def test_every_error_names_the_field_the_value_and_what_was_expected(changes: dict[str, Any],
                                                                    words: list[str]) -> None:
    with pytest.raises(InvalidInstance) as info:
        load(doc(**changes))
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_the_psd_check_is_exact_for_rationals_and_tolerant_for_floats() -> None:
    law = {"mean": [0, 0], "cov": [[1, 1], [1, 1]]}  # singular, PSD exactly
    base = {"domain": "mlp", "layers": [{"weights": [[1, 1]], "activation": "square"}]}
    assert load({**base, "input": law}).input_cov == ((1, 1), (1, 1))
    with pytest.raises(InvalidInstance, match="positive semidefinite"):
        load({**base, "input": {"mean": [0, 0], "cov": [[1, 1], [1, "999999/1000000"]]}})
    assert load({**base, "input": {"mean": [0.0, 0.0], "cov": [[1.0, 1.0], [1.0, 1.0 - 1e-15]]}}).input_cov


def test_the_model_checks_shapes_when_built_directly() -> None:
    with pytest.raises(InvalidInstance, match="field layers\\[0\\].activation: expected one of .*got 'softplus'"):
        MLP(1, (Layer(((1,),), (0,), "softplus"),), (1,))
    with pytest.raises(InvalidInstance, match="field readout: expected 1 entries .*got 2"):
        MLP(1, (Layer(((1,),), (0,), "relu"),), (1, 1))
    with pytest.raises(InvalidInstance, match="field layers\\[0\\].weights\\[0\\]: expected 2 entries"):
        MLP(2, (Layer(((1,),), (0,), "relu"),), (1,))


# --------------------------------------------------------------------------- truth


def test_polynomial_truth_is_exact_and_matches_hand_computations() -> None:
    w = [1, 2, "-1/2"]
    assert D.truth(one_layer([w], "square"), ()) == Fraction(21, 4)  # |w|^2
    assert D.truth(one_layer([w], "identity", bias=["1/3"]), ()) == Fraction(1, 3)
    assert D.truth(one_layer([w], "cube"), ()) == 0
    # E[(w.x)^2] = w' Sigma w + (w . mu)^2 = 6 + 9 = 15 for w = (1, 1), mu = (1, 2), Sigma = [[2, 1], [1, 2]]
    assert D.truth(one_layer([[1, 1]], "square", mean=[1, 2], cov=[[2, 1], [1, 2]]), ()) == 15
    # two layers: h = (x1^2, x2^2), y = (h1 - h2)^2: E = E x^4 + E y^4 - 2 = 3 + 3 - 2 = 4
    net = MLP(2, (Layer(((1, 0), (0, 1)), (0, 0), "square"), Layer(((1, -1),), (0,), "square")), (1,))
    assert D.truth(net, ()) == 4
    assert to_circuit(net).output


def test_relu_and_erf_closed_forms_match_hand_values() -> None:
    assert D.truth(one_layer([[3, 4]], "relu"), ()) == pytest.approx(5 / math.sqrt(2 * math.pi), rel=1e-14)
    assert D.truth(one_layer([[1, 0]], "erf", bias=[1]), ()) == pytest.approx(math.erf(1 / math.sqrt(3)), rel=1e-14)
    assert D.truth(one_layer([[0, 0]], "relu", bias=[-1]), ()) == 0  # s = 0
    assert D.truth(one_layer([[0, 0]], "relu", bias=[2]), ()) == 2
    assert D.truth(one_layer([[0, 0]], "erf", bias=["1/2"]), ()) == pytest.approx(math.erf(0.5), rel=1e-14)
    # E relu(z) for z ~ N(m, s^2), far in the tail: s phi(t) + m Phi(t) ~ s phi(t) / t^2, no cancellation
    far = D.truth(one_layer([[1]], "relu", bias=[-30]), ())
    assert 0 < far < 1e-190
    # trailing identity layers fold into the readout
    net = MLP(2, (Layer(((3, 4),), (0,), "relu"), Layer(((2,),), (1,), "identity")), (1,))
    assert D.truth(net, ()) == pytest.approx(10 / math.sqrt(2 * math.pi) + 1, rel=1e-14)


@pytest.mark.parametrize("activation", ["relu", "erf"])
def test_the_closed_forms_agree_with_a_million_samples(activation: str) -> None:
    x = load({"domain": "mlp", "input": {"mean": [1, -1], "cov": [[2, "1/2"], ["1/2", 1]]},
              "layers": [{"weights": [[1, 0.5], [-1, 2], [0.25, 0.25]], "bias": [0.1, -0.3, 0],
                          "activation": activation}], "readout": [1, -2, 3]})
    exact = D.truth(x, ())
    mc = D.monte_carlo(x, (), 10**6, 11)
    assert abs(mc.mean - exact) < 5 * mc.stderr


def test_deep_non_polynomial_networks_point_to_monte_carlo() -> None:
    with pytest.raises(TruthTooExpensive, match="Monte Carlo"):
        D.truth(research_mlp(2, 3, seed=0), ())
    with pytest.raises(TruthTooExpensive, match="Monte Carlo"):
        D.truth(one_layer([[1, 0], [0, 1]], "tanh"), ())


def test_a_one_unit_first_layer_before_polynomial_layers_has_a_quadrature_truth() -> None:
    import mpmath

    # relu(z) with z = x0 - x1/2 + 1/4 ~ N(1/4, 5/4), then (2 u + 1/3)^2: the closed forms of E relu, E relu^2
    net = MLP(2, (Layer(((Fraction(1), Fraction(-1, 2)),), (Fraction(1, 4),), "relu"),
                  Layer(((Fraction(2),),), (Fraction(1, 3),), "square")), (1,))
    with mpmath.workdps(50):
        m, s = mpmath.mpf(1) / 4, mpmath.sqrt(mpmath.mpf(5) / 4)
        e1 = s * mpmath.npdf(m / s) + m * mpmath.ncdf(m / s)
        e2 = (m * m + s * s) * mpmath.ncdf(m / s) + m * s * mpmath.npdf(m / s)
        expected = float(4 * e2 + mpmath.mpf(4) / 3 * e1 + mpmath.mpf(1) / 9)
    assert D.truth(net, ()) == pytest.approx(expected, rel=1e-12)
    for act in ("tanh", "gelu", "erf"):  # no closed form for the square of these: against Monte Carlo
        other = MLP(2, (Layer(net.layers[0].weights, net.layers[0].bias, act), net.layers[1]), (1,))
        mc = D.monte_carlo(other, (), 200_000, 3)
        assert abs(D.truth(other, ()) - mc.mean) < 4 * mc.stderr, (act, D.truth(other, ()), mc)


def _over_polynomial_layers(rng: Any, first: Layer) -> MLP:
    """`first` (one unit) then 1 to 3 random identity/square/cube layers of 1 to 3 units and a readout."""
    layers, width = [first], 1
    for _ in range(rng.randint(1, 3)):
        out = rng.randint(1, 3)
        layers.append(Layer(tuple(tuple(Fraction(rng.randint(-3, 3), rng.randint(1, 2)) for _ in range(width))
                                  for _ in range(out)), tuple(Fraction(rng.randint(-3, 3), 2) for _ in range(out)),
                            rng.choice(["identity", "square", "cube"])))
        width = out
    return MLP(first.fan_in, tuple(layers), tuple(Fraction(rng.randint(-3, 3)) for _ in range(width)))


def test_a_one_relu_unit_before_polynomial_layers_has_a_closed_form_equal_to_its_quadrature() -> None:
    import importlib
    import random

    truth_module = importlib.import_module("heurcheck.domains.mlp.truth")
    rng = random.Random(1)
    for _ in range(12):  # relu on N(m, s^2) with m/s from about -4 to 4, then up to 3 identity/square/cube layers
        d = rng.randint(1, 3)
        net = _over_polynomial_layers(rng, Layer((tuple(Fraction(rng.randint(-4, 4), rng.randint(1, 3))
                                                        for _ in range(d)),),
                                                 (Fraction(rng.randint(-6, 6), rng.randint(1, 4)),), "relu"))
        closed, integral = truth_module.one_unit_relu(net), truth_module.one_unit_quadrature(net)
        assert closed == pytest.approx(integral, rel=1e-12, abs=1e-300), net
        assert D.truth(net, ()) == closed


def _mp_reference(net: MLP) -> float:
    """E[Y] of a one-unit first layer before polynomial layers by mpmath's quadrature at 25 digits."""
    import mpmath

    mp = mpmath.mp
    acts = {"erf": mp.erf, "tanh": mp.tanh, "gelu": lambda t: t * mp.ncdf(t), "identity": lambda t: t,
            "square": lambda t: t * t, "cube": lambda t: t**3}
    with mpmath.workdps(25):
        (w,), (b,) = net.layers[0].weights, net.layers[0].bias
        m, s = mp.mpf(b.numerator) / b.denominator, mp.sqrt(sum(mp.mpf(x.numerator) ** 2 / x.denominator**2 for x in w))

        def f(t: Any) -> Any:
            h = [acts[net.layers[0].activation](t)]
            for layer in net.layers[1:]:
                h = [acts[layer.activation](mp.fsum(mp.mpf(c.numerator) / c.denominator * x for c, x in zip(row, h))
                                            + mp.mpf(bias.numerator) / bias.denominator)
                     for row, bias in zip(layer.weights, layer.bias)]
            return mp.fsum(r * x for r, x in zip(net.readout, h)) * mp.npdf(t, m, s)

        return float(mp.quad(f, [-mp.inf, m, mp.inf]))


def test_the_float_quadrature_of_a_one_unit_first_layer_agrees_with_mpmath_to_1e_12() -> None:
    import random

    rng = random.Random(4)
    for k in range(8):  # erf, tanh and gelu units, some steep (s up to about 15), then up to 3 polynomial layers
        d, steep = rng.randint(1, 3), k % 3 == 0
        first = Layer((tuple(Fraction(rng.choice([-1, 1]) * rng.randint(1, 9 if steep else 4), rng.randint(1, 3))
                             for _ in range(d)),), (Fraction(rng.randint(-12, 12), rng.randint(1, 4)),),
                      ("erf", "tanh", "gelu")[k % 3])
        net = _over_polynomial_layers(rng, first)
        expected = _mp_reference(net)
        assert abs(D.truth(net, ()) - expected) <= 1e-12 * abs(expected) + 1e-14, (net, expected)


# --------------------------------------------------------------------------- Monte Carlo


def test_monte_carlo_is_seeded_and_its_stderr_shrinks_like_one_over_root_n() -> None:
    x = research_mlp(2, 8, seed=1)
    a, b = D.monte_carlo(x, (), 20_000, 5), D.monte_carlo(x, (), 20_000, 5)
    assert a == b
    assert D.monte_carlo(x, (), 20_000, 6).mean != a.mean
    big = D.monte_carlo(x, (), 320_000, 5)
    assert big.stderr / a.stderr == pytest.approx(0.25, rel=0.1)


def test_monte_carlo_agrees_with_exact_polynomial_truth() -> None:
    x = research_mlp(2, 3, seed=2, activation="square", bias_std=0.3)
    mc = D.monte_carlo(x, (), 400_000, 1)
    assert abs(mc.mean - D.truth(x, ())) < 5 * mc.stderr


# --------------------------------------------------------------------------- generator and CLI


@pytest.mark.parametrize("activation, later", [("relu", 2.0), ("erf", 1.0)])
def test_the_generator_scales_weights_by_fan_in(activation: str, later: float) -> None:
    x = research_mlp(2, 256, seed=4, activation=activation, input_dim=64)
    first = np.array(x.layers[0].weights, dtype=float)
    second = np.array(x.layers[1].weights, dtype=float)
    assert first.shape == (256, 64) and second.shape == (256, 256)
    assert first.var() * 64 == pytest.approx(1.0, rel=0.05)
    assert second.var() * 256 == pytest.approx(later, rel=0.05)
    assert abs(second.mean()) < 5 * math.sqrt(later / 256 / second.size)
    assert x.layers[0].bias == (0,) * 256 and x.readout == (1,) * 256
    assert research_mlp(1, 4, seed=0, readout="unit").readout == (1, 0, 0, 0)
    assert np.array(research_mlp(1, 256, seed=0, bias_std=2.0).layers[0].bias, dtype=float).std() == pytest.approx(
        2.0, rel=0.2)


def test_generate_writes_an_instance_that_loads_back(tmp_path: Any) -> None:
    path = tmp_path / "net.json"
    result = CliRunner().invoke(main, ["generate", "mlp", "--depth", "2", "--width", "5", "--seed", "3",
                                       "--activation", "erf", "--bias-std", "0.1", "--input-dim", "4",
                                       "--readout", "unit", "-o", str(path)])
    assert result.exit_code == 0, result.output
    x = load_instance(path)
    # decimals are read exactly, so the file's numbers are the floats' shortest decimal forms
    assert x.map_numbers(float) == research_mlp(2, 5, 3, activation="erf", bias_std=0.1, input_dim=4,
                                                readout="unit").map_numbers(float)
    printed = CliRunner().invoke(main, ["generate", "mlp", "--depth", "1", "--width", "2", "--seed", "0"])
    assert printed.exit_code == 0 and load(printed.stdout).layers[0].width == 2


@pytest.mark.parametrize("args, word", [(["--readout", "diag"], "readout"), (["--activation", "soft"], "activation"),
                                        (["--depth", "0"], "depth")])
def test_generate_reports_a_bad_option_on_one_line(args: list[str], word: str) -> None:
    base = {"--depth": "2", "--width": "3", "--seed": "1"}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    result = CliRunner().invoke(main, ["generate", "mlp"] + [t for kv in base.items() for t in kv])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and word in result.stderr


# --------------------------------------------------------------------------- strategy, size, lift


@settings(max_examples=40, deadline=None)
@given(instances(max_depth=2, max_width=3))
def test_the_strategy_draws_valid_instances(x: MLP) -> None:
    assert D.from_json(Node(D.to_json(x))) == x
    assert 1 <= x.depth <= 2 and D.size(x) == x.input_dim + sum(layer.width for layer in x.layers)
    if x.polynomial and x.depth == 1:
        value = D.truth(x, ())
        assert isinstance(value, (int, Fraction))


def test_lift_names_every_number_by_role() -> None:
    x = load({"domain": "mlp", "input": {"mean": [0, 0], "cov": [[1, 0], [0, 1]]},
              "layers": [{"weights": [[1, 2]], "activation": "square"}]})
    lifted = D.lift(x, "s0:")
    names = {str(p) for p in lifted.parameters()}
    assert {"s0:L0.w.0.0", "s0:L0.w.0.1", "s0:L0.b.0", "s0:r.0", "s0:mean.1", "s0:cov.0.1"} <= names
    assert lifted.input_cov[0][1] == lifted.input_cov[1][0]
    assert D.size(x) == 3 and [a.kind for a in D.atom_types] == ["order"]


def test_live_drops_units_and_inputs_that_y_cannot_read_and_keeps_its_value() -> None:
    from heurcheck.domains.mlp import live

    F = Fraction
    # x2 is read by no unit; unit 1 of layer 0 feeds only unit 1 of layer 1, which the readout ignores
    net = MLP(3, (Layer(((F(1), F(-1, 2), F(0)), (F(2), F(1), F(0))), (F(1, 4), F(3)), "square"),
                  Layer(((F(1), F(0)), (F(0), F(5))), (F(0), F(1)), "cube")), (F(2), F(0)),
              (F(1), F(0), F(-1)), ((F(2), F(1), F(1)), (F(1), F(1), F(0)), (F(1), F(0), F(3))))
    pruned = live(net)
    assert pruned.input_dim == 2 and [layer.width for layer in pruned.layers] == [1, 1]
    assert pruned.layers[0].weights == ((F(1), F(-1, 2)),) and pruned.readout == (F(2),)
    assert pruned.input_mean == (F(1), F(0)) and pruned.input_cov == ((F(2), F(1)), (F(1), F(1)))
    assert D.truth(pruned, ()) == D.truth(net, ())
    # a network with nothing live keeps one unit per layer and one input coordinate
    dead = live(MLP(2, (Layer(((F(1), F(1)), (F(1), F(1))), (F(0), F(0)), "relu"),), (F(0), F(0))))
    assert dead.input_dim == 1 and dead.layers[0].width == 1 and D.truth(dead, ()) == 0
    # live networks stay as they are
    assert live(pruned) == pruned


@given(instances(max_depth=3, max_width=3))
@settings(max_examples=60, database=None, derandomize=True)
def test_the_strategy_draws_live_networks(net: MLP) -> None:
    from heurcheck.domains.mlp import live

    assert live(net) == net


@pytest.mark.slow
def test_the_strategy_shrinks_depth_width_input_dimension_and_weights() -> None:
    from hypothesis import find

    quick = settings(max_examples=2000, database=None, derandomize=True)
    deep = find(instances(max_depth=3, max_width=4),
                lambda n: n.depth >= 2 and any(w != 0 for row in n.layers[-1].weights for w in row), settings=quick)
    assert deep.depth == 2 and deep.input_dim == 1 and [layer.width for layer in deep.layers] == [1, 1]
    assert deep.layers[-1].weights == ((1,),) and all(layer.activation == "identity" for layer in deep.layers)
    law = find(instances(max_depth=3, max_width=4),
               lambda n: n.input_mean is not None and any(m != 0 for m in n.input_mean), settings=quick)
    assert law.input_dim == 1 and law.depth == 1 and law.layers[0].width == 1 and law.input_mean == (1,)
