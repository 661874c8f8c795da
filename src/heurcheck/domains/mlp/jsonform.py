"""The JSON form of an `mlp` instance (documented in the package docstring) and its checks."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from ...errors import InvalidInstance
from ...jsonio import Node, number_to_json
from ..hafnian.truth import is_psd
from .model import ACTIVATIONS, MLP, Layer

MAX_DIM = 100_000  # input dimension and layer width
MAX_DEPTH = 1_000


def _number(node: Node) -> Any:
    """An exact rational (int, decimal, "p/q") or, when the document was built in Python, a finite float."""
    if isinstance(node.value, float):
        if not math.isfinite(node.value):
            node.fail("a finite number")
        return node.value
    return node.number()


def _vector(node: Node, n: int, what: str) -> tuple[Any, ...]:
    if not isinstance(node.value, list):
        node.fail(f"a list of {n} numbers ({what})")
    if len(node.value) != n:
        raise InvalidInstance(f"field {node.path}: expected {n} entries ({what}), got {len(node.value)}")
    return tuple(_number(v) for v in node.items())


def _matrix(node: Node, rows: int, cols: int, what: str) -> tuple[tuple[Any, ...], ...]:
    if not isinstance(node.value, list):
        node.fail(f"a list of {rows} rows of {cols} numbers ({what})")
    if len(node.value) != rows:
        raise InvalidInstance(f"field {node.path}: expected {rows} rows ({what}), got {len(node.value)}")
    return tuple(_vector(row, cols, what) for row in node.items())


def _input_from_json(node: Node) -> tuple[int, Any, Any]:
    node.object((), ("dim", "mean", "cov"))
    if not node.present("mean") and not node.present("cov"):
        if not node.present("dim"):
            raise InvalidInstance(f'field {node.path}: expected {{"dim": d}} or {{"mean": [...], "cov": [[...]]}}, '
                                  f"got neither dim nor mean and cov")
        return node["dim"].integer(1, MAX_DIM), None, None
    if not node.present("mean") or not node.present("cov"):
        missing = "mean" if not node.present("mean") else "cov"
        raise InvalidInstance(f"field {node.path}.{missing}: missing (an explicit law needs both mean and cov)")
    mean_node = node["mean"]
    if not isinstance(mean_node.value, list) or not 1 <= len(mean_node.value) <= MAX_DIM:
        mean_node.fail(f"a list of 1 to {MAX_DIM} numbers")
    d = len(mean_node.value)
    if node.present("dim") and node["dim"].integer(1, MAX_DIM) != d:
        raise InvalidInstance(f"field {node.path}.dim: expected {d} (the length of mean), got {node['dim'].value!r}")
    mean = _vector(mean_node, d, "the length of mean")
    cov = _matrix(node["cov"], d, d, f"a {d}x{d} covariance")
    check_covariance(cov, f"{node.path}.cov")
    return d, mean, cov


def check_covariance(cov: tuple[tuple[Any, ...], ...], field: str) -> None:
    """Symmetric and positive semidefinite: exactly (LDL^T with diagonal pivoting) when every entry is
    rational, by the smallest eigenvalue (tolerance 1e-9 times the largest entry) when there are floats."""
    d = len(cov)
    for i in range(d):
        for j in range(i + 1, d):
            if cov[i][j] != cov[j][i]:
                raise InvalidInstance(
                    f"field {field}[{j}][{i}]: expected a symmetric matrix, equal to {field}[{i}][{j}] = "
                    f"{number_to_json(cov[i][j])!r}, got {number_to_json(cov[j][i])!r}"
                )
    if not is_psd(cov):
        smallest = float(np.linalg.eigvalsh(np.array([[float(v) for v in r] for r in cov])).min())
        raise InvalidInstance(
            f"field {field}: expected a positive semidefinite covariance (checked exactly by an LDL^T "
            f"factorisation for rationals, by eigenvalues for floats), got one with smallest eigenvalue "
            f"{smallest:.6g}"
        )


def mlp_from_json(node: Node) -> MLP:
    node.object(("domain", "input", "layers"), ("readout",))
    dim, mean, cov = _input_from_json(node["input"])
    layers = []
    below, below_name = dim, "input dimension"
    for k, item in enumerate(node["layers"].items(1, MAX_DEPTH)):
        item.object(("weights", "activation"), ("bias",))
        activation = item["activation"].string(ACTIVATIONS)
        w_node = item["weights"]
        if not isinstance(w_node.value, list) or not 1 <= len(w_node.value) <= MAX_DIM:
            w_node.fail(f"a list of 1 to {MAX_DIM} rows (one per unit), each of {below} numbers ({below_name})")
        width = len(w_node.value)
        weights = _matrix(w_node, width, below, f"out x in: one entry per unit below, {below_name} = {below}")
        bias = _vector(item["bias"], width, f"one per unit, {width}") if item.present("bias") else (0,) * width
        layers.append(Layer(weights, bias, activation))
        below, below_name = width, f"the width of layers[{k}]"
    if node.present("readout"):
        readout = _vector(node["readout"], below, f"one per unit of the last layer, {below}")
    elif below == 1:
        readout = (1,)
    else:
        raise InvalidInstance(
            f"field {node.path}.readout: missing (required when the last layer has more than one unit; it has {below})"
        )
    return MLP(dim, tuple(layers), readout, mean, cov)


def _is_zero(v: Any) -> bool:
    return isinstance(v, (int, float, Fraction)) and v == 0


def mlp_to_json(net: MLP) -> dict[str, Any]:
    if net.input_mean is None or net.input_cov is None:
        law: dict[str, Any] = {"dim": net.input_dim}
    else:
        law = {"mean": [number_to_json(m) for m in net.input_mean],
               "cov": [[number_to_json(c) for c in row] for row in net.input_cov]}
    layers = []
    for layer in net.layers:
        out: dict[str, Any] = {"weights": [[number_to_json(w) for w in row] for row in layer.weights]}
        if not all(_is_zero(b) for b in layer.bias):
            out["bias"] = [number_to_json(b) for b in layer.bias]
        out["activation"] = layer.activation
        layers.append(out)
    doc: dict[str, Any] = {"domain": "mlp", "input": law, "layers": layers}
    if not (len(net.readout) == 1 and net.readout[0] == 1 and type(net.readout[0]) is int):
        doc["readout"] = [number_to_json(r) for r in net.readout]
    return doc
