"""The `hafnian` domain object."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...arguments import Atom
from ...errors import InvalidInstance
from ...jsonio import Node
from ..base import Description, MonteCarlo, matrix_table
from ..matrixform import matrix_from_json, matrix_to_json, sample_stderr
from .model import MAX_HAFNIAN_N, Covariance, _shown, _tree_to_json, _upper, check_tree
from .strategies import covariances
from .truth import hafnian, is_psd


class HafnianDomain:
    """The `hafnian` domain: Y = E[Z_1...Z_n] = haf(Sigma), Z ~ N(0, Sigma), multiplied along a product tree."""

    name = "hafnian"
    summary = "Y = E[Z_1...Z_n] = haf(Sigma) for Z ~ N(0, Sigma); estimators propagate along a product tree"
    instance_type = Covariance
    atom_types: tuple[type[Atom], ...] = ()

    def from_json(self, node: Node) -> Covariance:
        node.object(("domain", "matrix"), ("tree",))
        matrix = matrix_from_json(node["matrix"], MAX_HAFNIAN_N)
        n = len(matrix)
        for i, j in _upper(n):
            if matrix[i][j] != matrix[j][i]:
                raise InvalidInstance(
                    f"field {node.path}.matrix[{j}][{i}]: expected a symmetric matrix, equal to "
                    f"matrix[{i}][{j}] = {_shown(matrix[i][j])}, got {_shown(matrix[j][i])}"
                )
        tree = check_tree(node["tree"].value, n, f"{node.path}.tree") if node.present("tree") else None
        return Covariance(matrix, tree)

    def to_json(self, instance: Covariance) -> dict[str, Any]:
        out: dict[str, Any] = {"domain": self.name, "matrix": matrix_to_json(instance.matrix)}
        if instance.tree is not None:
            out["tree"] = _tree_to_json(instance.tree)
        return out

    def truth(self, instance: Covariance, arguments: Any) -> Any:
        return hafnian(instance.matrix)

    def monte_carlo(self, instance: Covariance, arguments: Any, samples: int, seed: int) -> MonteCarlo:
        """Mean of Z_1...Z_n over Gaussian samples; Sigma must be positive semidefinite."""
        if not is_psd(instance.matrix):
            raise InvalidInstance(
                "field matrix: Monte Carlo sampling needs a positive semidefinite covariance, and this one is not"
            )
        a = np.array([[float(v) for v in r] for r in instance.matrix])
        w, v = np.linalg.eigh(a)
        factor = v * np.sqrt(np.clip(w, 0.0, None))
        rng = np.random.default_rng(seed)
        values = []
        for start in range(0, samples, 65_536):
            g = rng.standard_normal((min(65_536, samples - start), instance.n))
            values.append((g @ factor.T).prod(axis=1))
        out = np.concatenate(values) if values else np.zeros(0)
        return MonteCarlo(float(out.mean()) if len(out) else math.nan, sample_stderr(out), samples, seed)

    def instances(self, max_n: int = 6, even: bool = True, max_rank: int = 3, trees: bool = False) -> Any:
        return covariances(max_n, even, max_rank, trees)

    def size(self, instance: Covariance) -> int:
        """The order n."""
        return int(instance.n)

    def lift(self, instance: Covariance, prefix: str = "") -> Covariance:
        """Unchanged: the formal engines do not take hafnian instances with symbolic entries."""
        return instance

    def describe(self, instance: Covariance) -> Description:
        """Y = haf(Sigma) = E[Z_1...Z_n], the product tree the estimators follow, and Sigma as a table."""
        lines = [f"Y = E[Z_1...Z_{instance.n}] = haf(Sigma), Z ~ N(0, Sigma)"]
        if instance.tree is not None:
            lines.append(f"product tree: {_tree_text(instance.tree)}")
        return Description(tuple(lines), (matrix_table("Sigma", instance.matrix),))


def _tree_text(tree: Any) -> str:
    """A product tree over the variables 0..n-1 as nested products of Z_1..Z_n."""
    return f"Z_{tree + 1}" if isinstance(tree, int) else f"({_tree_text(tree[0])}·{_tree_text(tree[1])})"


HAFNIAN = HafnianDomain()
DOMAIN = HAFNIAN
