"""symmetry (D15): one function written two ways has one estimate, on mlp, permanent and circuit."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.domains.circuit import Circuit, Gate, Gaussian, Input, KeepCumulant
from heurcheck.domains.mlp import MLP, Layer, forward_values, instances
from heurcheck.domains.mlp.reparametrise import permute_inputs, permute_units, scale_unit
from heurcheck.findings import Verdict
from heurcheck.properties.registry import property_class
from heurcheck.properties.symmetry.circuit import relabelled, renamed_atom

COUNTED = CheckSettings(max_examples=60, budget=600, findings_dir=None)  # the case count ends each search

NET = MLP(2, (Layer(((Fraction(1), Fraction(-1)), (Fraction(1, 2), Fraction(2)), (Fraction(0), Fraction(1))),
                    (Fraction(0), Fraction(1, 4), Fraction(-1)), "relu"),
              Layer(((Fraction(1), Fraction(2), Fraction(-1)),), (Fraction(0),), "erf")), (Fraction(3),))


def _check(estimator: str, domain: str, **params: Any) -> Any:
    request = CheckRequest(estimator, properties=("symmetry",), parameters={"symmetry": params}, domain=domain)
    (finding,) = check(request, COUNTED)
    return finding


def test_symmetry_is_defined_on_mlp_permanent_and_circuit() -> None:
    assert property_class("symmetry").defined_on() >= {"mlp", "permanent", "circuit"}
    assert property_class("symmetry").code == "D15"
    assert (property_class("symmetry").__module__ and
            (property_class("symmetry").__doc__ or "").startswith("G(Y | Pi) = G(Y' | Pi')"))


def test_the_reparametrised_networks_compute_the_same_function() -> None:
    x = np.random.default_rng(1).standard_normal((20, 2))
    y = forward_values(NET, x)
    assert np.allclose(forward_values(permute_units(NET, 0, [2, 0, 1]), x), y, rtol=1e-12)
    assert np.allclose(forward_values(scale_unit(NET, 0, 1, Fraction(3)), x), y, rtol=1e-12)
    assert np.allclose(forward_values(permute_inputs(NET, [1, 0]), x[:, [1, 0]]), y, rtol=1e-12)
    with pytest.raises(ValueError, match="relu"):
        scale_unit(NET, 1, 0, 2)


@settings(max_examples=30, deadline=None)
@given(instances(max_depth=3, max_width=3))
def test_permuting_the_last_layer_moves_the_readout_with_it(net: MLP) -> None:
    k = net.depth - 1
    p = list(reversed(range(net.layers[k].width)))
    moved = permute_units(net, k, p)
    assert moved.readout == tuple(net.readout[j] for j in p)
    x = np.random.default_rng(0).standard_normal((5, net.input_dim))
    assert np.allclose(forward_values(moved, x), forward_values(net, x), rtol=1e-9, atol=1e-9)


def test_relabelled_circuits_and_their_atoms_keep_their_meaning() -> None:
    c = Circuit((Input("x", Gaussian(0, 1)), Input("y", Gaussian(1, 2))),
                (Gate("s", "add", ("x", "y")), Gate("t", "mul", ("s", "x"))), "t")
    names = {"x": "w3", "y": "w0", "s": "w1", "t": "w2"}
    other = relabelled(c, names, [1, 0])
    assert [i.id for i in other.inputs] == ["w0", "w3"] and other.output == "w2"
    assert renamed_atom(KeepCumulant(("s", "x")), names) == KeepCumulant(("w1", "w3"))


@pytest.mark.slow
@pytest.mark.parametrize("estimator", ["mean", "covariance", "exact"])
def test_mlp_estimators_are_symmetric(estimator: str) -> None:
    finding = _check(estimator, "mlp")
    assert finding.verdict is Verdict.NOT_REFUTED and finding.cases > 0, finding.message


@pytest.mark.slow
def test_sampling_is_statistically_symmetric_on_mlp() -> None:
    assert _check("sampling", "mlp").verdict is Verdict.STATISTICALLY_CONSISTENT


@pytest.mark.slow
@pytest.mark.parametrize("estimator", ["exact", "mean", "perm-row", "perm-col", "perm-sum", "perm-uniq",
                                       "perm-rowcol", "symmetrize"])
def test_permanent_estimators_that_read_facts_symmetrically_hold_under_row_and_column_permutations(
        estimator: str) -> None:
    finding = _check(estimator, "permanent")
    assert finding.verdict is Verdict.NOT_REFUTED and finding.cases > 0, finding.message


@pytest.mark.slow
def test_covariance_propagation_on_a_permanents_product_tree_depends_on_the_row_order() -> None:
    # its product tree pairs rows in a fixed order: two permutation matrices (both perm 1) get 1 and 0
    finding = _check("covariance", "permanent")
    assert finding.verdict is Verdict.VIOLATED, finding.message


@pytest.mark.slow
def test_perm_row_reads_row_facts_only_so_the_transpose_separates_it() -> None:
    assert _check("perm-row", "permanent", transpose="true").verdict is Verdict.VIOLATED
    assert _check("perm-rowcol", "permanent", transpose="true").verdict is Verdict.NOT_REFUTED


@pytest.mark.slow
@pytest.mark.parametrize("estimator", ["exact", "mean", "covariance", "cumulant"])
def test_circuit_estimators_do_not_depend_on_wire_names(estimator: str) -> None:
    finding = _check(estimator, "circuit")
    assert finding.verdict is Verdict.NOT_REFUTED and finding.cases > 0, finding.message
