"""The `permanent` domain object."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...arguments import Atom
from ...jsonio import Node
from ..base import Description, MonteCarlo, matrix_table
from ..matrixform import matrix_from_json, matrix_to_json, sample_stderr
from .atoms import ColSums, EntryMultiset, RowSums, TotalSum
from .lifting import lift_matrix
from .model import MAX_PERMANENT_N, Matrix
from .strategies import matrices
from .truth import permanent


class PermanentDomain:
    """The `permanent` domain: Y = perm(A) (see the package docstring)."""

    name = "permanent"
    summary = "Y = perm(A) for a square matrix A; arguments are facts such as row and column sums"
    instance_type = Matrix
    atom_types: tuple[type[Atom], ...] = (RowSums, ColSums, TotalSum, EntryMultiset)

    def from_json(self, node: Node) -> Matrix:
        node.object(("domain", "matrix"))
        return Matrix(matrix_from_json(node["matrix"], MAX_PERMANENT_N))

    def to_json(self, instance: Matrix) -> dict[str, Any]:
        return {"domain": self.name, "matrix": matrix_to_json(instance.entries)}

    def truth(self, instance: Matrix, arguments: Any) -> Any:
        """perm(A); the facts reveal nothing random, so the arguments do not change it."""
        return permanent(instance.entries)

    def monte_carlo(self, instance: Matrix, arguments: Any, samples: int, seed: int) -> MonteCarlo:
        """Mean of prod_k x_k prod_i (A x)_i over x uniform in {+-1}^n (unbiased for perm A)."""
        a = np.array([[float(v) for v in r] for r in instance.entries])
        rng = np.random.default_rng(seed)
        values = []
        for start in range(0, samples, 65_536):
            x = rng.choice(np.array([-1.0, 1.0]), size=(min(65_536, samples - start), instance.n))
            values.append(x.prod(axis=1) * (x @ a.T).prod(axis=1))
        v = np.concatenate(values) if values else np.zeros(0)
        return MonteCarlo(float(v.mean()) if len(v) else math.nan, sample_stderr(v), samples, seed)

    def instances(self, max_n: int = 4, entries: str = "pm1") -> Any:
        return matrices(max_n, entries)

    def size(self, instance: Matrix) -> int:
        """The order n."""
        return int(instance.n)

    def lift(self, instance: Matrix, prefix: str = "") -> Matrix:
        return lift_matrix(instance, prefix) if isinstance(instance, Matrix) else instance

    def describe(self, instance: Matrix) -> Description:
        """Y = perm(A), with A as a table."""
        return Description((f"Y = perm(A), A of order {instance.n}",), (matrix_table("A", instance.entries),))


PERMANENT = PermanentDomain()
DOMAIN = PERMANENT
