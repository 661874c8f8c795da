"""The JSON form of circuits and of their input laws (see the package docstring for the format)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...errors import InvalidInstance
from ...jsonio import number_to_json as num
from .model import OPS, Bernoulli, Circuit, Distribution, Gate, Gaussian, Input, JointGaussian, Rademacher, Uniform


def dist_to_json(d: Distribution) -> dict[str, Any]:
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


def circuit_from_json(node: Any) -> Circuit:
    """Build and validate a circuit from its JSON form (InvalidInstance names the field)."""
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


def circuit_to_json(c: Circuit) -> dict[str, Any]:
    """The JSON form, with `"domain": "circuit"`."""
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
