"""The Hypothesis strategy of hafnian instances."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .model import Covariance, Tree


def covariances(max_n: int = 6, even: bool = True, max_rank: int = 3, trees: bool = False) -> Any:
    """Hypothesis strategy of PSD `Covariance` instances Sigma = B B^T, B an n x r matrix of small rationals.

    n shrinks towards its smallest value (2 if `even`, else 1), B's entries towards 0; with `trees`
    the product tree is drawn too (shrinking towards the balanced one), else it is left as the default.
    """
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    entry = st.fractions(min_value=-2, max_value=2, max_denominator=2)

    @st.composite
    def tree_over(draw: Any, items: tuple[int, ...]) -> Tree:
        if len(items) == 1:
            return items[0]
        m = len(items)
        cut = draw(st.integers(1, m - 1).map(lambda k: (k + (m + 1) // 2 - 2) % (m - 1) + 1))
        return (draw(tree_over(items[:cut])), draw(tree_over(items[cut:])))

    @st.composite
    def build(draw: Any) -> Covariance:
        n = 2 * draw(st.integers(1, max(1, max_n // 2))) if even else draw(st.integers(1, max_n))
        r = draw(st.integers(1, max_rank))
        b = [[draw(entry) for _ in range(r)] for _ in range(n)]
        sigma = tuple(
            tuple(sum((b[i][k] * b[j][k] for k in range(r)), Fraction(0)) for j in range(n)) for i in range(n)
        )
        tree = None
        if trees:
            order = draw(st.permutations(range(n)))
            tree = draw(tree_over(tuple(order)))
        return Covariance(sigma, tree)

    return build()
