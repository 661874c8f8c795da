"""Symmetrisation: G(perm | Pi) = E over h uniform in H_Pi of perm(hA), the positive control.

H_Pi is the group of permutations of the n^2 cells that map every block of the meet of the
facts' partitions to itself: `row-sums` partitions the cells into rows, `col-sums` into columns,
`total-sum` and `entry-multiset` into one block (the facts every shuffle preserves). So row-sums
alone gives within-row shuffles (the estimate is perm-row's row formula), col-sums alone gives
perm-col's col, no facts give all (n^2)! shuffles (perm-uniq's uniq), and row-sums with col-sums
gives the trivial group (the exact permanent). Since H_Pi' is a subgroup of H_Pi when Pi is a
subset of Pi', this estimator satisfies unpredictable errors, iterated estimation and error
orthogonality exactly.

Exact mode (n <= option `exact_max_n`): for a fixed permutation s, h moves the values in the
m_b cells (i, s(i)) of block b to a uniformly random ordered m_b-subset of b's values, so

    E[perm(hA)] = sum over s in S_n of prod over blocks b of e_{m_b}(values in b) / C(|b|, m_b),

computed with generic arithmetic (traceable) after grouping the n! permutations by their
counts (m_b). Sampled mode (larger n): the mean of perm(hA) in floats over `samples` uniform
draws h (numpy `default_rng(seed)`), with its standard error; each draw costs one float
permanent, O(2^(n-1) n).
"""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction
from itertools import permutations
from typing import Any, ClassVar

import numpy as np

from ..arguments import Arguments
from ..domains.permanent import Matrix, blocks, glynn_float
from ..numbers import backend_of, to_float
from .base import MAX_SAMPLES, MAX_SEED, Estimate, Option
from .permanent import elementary_symmetric


def symmetrized_permanent(m: Matrix, cells: list[list[tuple[int, int]]]) -> Any:
    """E over h in the block-preserving group of perm(hA), exactly: O(n! n) bookkeeping, generic arithmetic."""
    n = m.n
    backend = backend_of(m.parameters())
    block_of = {cell: b for b, block in enumerate(cells) for cell in block}
    counts: Counter[tuple[int, ...]] = Counter()
    for s in permutations(range(n)):
        tally = [0] * len(cells)
        for i in range(n):
            tally[block_of[(i, s[i])]] += 1
        counts[tuple(tally)] += 1
    one, zero = backend.const(1), backend.const(0)
    top = [max(c[b] for c in counts) for b in range(len(cells))]
    e = [
        elementary_symmetric([m.entries[i][j] for i, j in block], top[b], one, zero)
        for b, block in enumerate(cells)
    ]
    total = zero
    for m_b, count in sorted(counts.items()):
        weight = Fraction(count, math.prod(math.comb(len(cells[b]), k) for b, k in enumerate(m_b)))
        term = backend.const(weight)
        for b, k in enumerate(m_b):
            if k:
                term = term * e[b][k]
        total = total + term
    return total


class Symmetrize:
    """G(perm | Pi) = the average of perm(hA) over the entry shuffles h that preserve the facts in Pi."""

    name: ClassVar[str] = "symmetrize"
    domains: ClassVar[frozenset[str]] = frozenset({"permanent"})
    randomised: ClassVar[bool] = True
    traceable: ClassVar[bool] = True  # in exact mode (n <= exact_max_n); sampled mode needs concrete floats
    options: ClassVar[dict[str, Option]] = {
        "exact_max_n": Option(int, 7, "largest n averaged exactly (O(n! n)); larger n are sampled", minimum=0,
                              maximum=9),
        "samples": Option(int, 2000, "shuffles drawn in sampled mode", minimum=2, maximum=MAX_SAMPLES),
        "seed": Option(int, 0, "seed of numpy's default_rng in sampled mode", minimum=0, maximum=MAX_SEED),
    }
    default_arguments: ClassVar[tuple[str, ...]] = ()

    def __init__(self, exact_max_n: int = 7, samples: int = 2000, seed: int = 0) -> None:
        self.exact_max_n = exact_max_n
        self.samples = samples
        self.seed = seed

    def estimate(self, instance: Matrix, arguments: Arguments) -> Estimate:
        cells = blocks(instance.n, arguments)
        if instance.n <= self.exact_max_n:
            return Estimate(symmetrized_permanent(instance, cells), stderr=0.0)
        return self._sampled(instance, cells)

    def _sampled(self, m: Matrix, cells: list[list[tuple[int, int]]]) -> Estimate:
        a = np.array([[to_float(v) for v in row] for row in m.entries])
        rng = np.random.default_rng(self.seed)
        index = [tuple(np.array(block).T) for block in cells if len(block) > 1]
        values = np.empty(self.samples)
        for k in range(self.samples):
            h = a.copy()
            for rows, cols in index:
                h[rows, cols] = a[rows, cols][rng.permutation(len(rows))]
            values[k] = glynn_float(h)
        return Estimate(float(values.mean()), float(values.std(ddof=1) / math.sqrt(self.samples)))
