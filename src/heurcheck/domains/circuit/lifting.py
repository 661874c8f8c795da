"""Circuits with symbolic parameters, for the formal engines.

Symbol names carry their role: `x.mean`, `x.var`, `x.p`, `x.v0` (a uniform input's values),
`g.value` (a const or scale gate), `L.i.j` (a joint-Gaussian factor entry), `m.i` (a joint mean).
A prefix `s<k>:` keeps the parameters of separately drawn instances apart.
"""

from __future__ import annotations

from typing import Any

from ...symbols import symbol
from .model import Bernoulli, Circuit, Gate, Gaussian, Input, JointGaussian, Uniform


def lift_circuit(c: Circuit, prefix: str = "") -> Circuit:
    """The circuit with every numeric parameter replaced by a symbol named after its role."""
    def dist(i: Any) -> Any:
        d, p = i.dist, f"{prefix}{i.id}"
        if isinstance(d, Gaussian):
            return Gaussian(symbol(f"{p}.mean"), symbol(f"{p}.var"))
        if isinstance(d, Bernoulli):
            return Bernoulli(symbol(f"{p}.p"))
        if isinstance(d, Uniform):
            return Uniform(tuple(symbol(f"{p}.v{k}") for k in range(len(d.values))))
        return d

    inputs = tuple(Input(i.id, dist(i)) for i in c.inputs)
    gates = tuple(Gate(g.id, g.op, g.args, None if g.value is None else symbol(f"{prefix}{g.id}.value"))
                  for g in c.gates)
    joint = None if c.joint is None else joint_law(len(c.inputs), prefix)
    return Circuit(inputs, gates, c.output, joint)


def joint_law(n: int, prefix: str = "") -> JointGaussian:
    """A symbolic joint Gaussian law on n inputs: free means, covariance L L^T (PSD for every L)."""
    factor = [[symbol(f"{prefix}L.{i}.{j}") if j <= i else 0 for j in range(n)] for i in range(n)]
    cov = tuple(tuple(sum((factor[i][k] * factor[j][k] for k in range(n)), 0) for j in range(n)) for i in range(n))
    return JointGaussian(tuple(symbol(f"{prefix}m.{i}") for i in range(n)), cov)
