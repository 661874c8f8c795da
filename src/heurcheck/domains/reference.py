"""The value to compare estimates with: the exact truth where the domain has one in reach, else its
Monte Carlo estimate with a standard error (a `Reference` says which).

A domain opts in by setting `truth_samples` (the Monte Carlo sample count used when its exact truth
raises `TruthTooExpensive`; mlp does, whose deep networks have no exact truth). On a domain that does
not, TruthTooExpensive is raised as before: there the exact truth is the contract (a permanent past its
size or precision limits is an input error, not a question for Monte Carlo, whose sign-estimator error
bars would be useless).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..arguments import Arguments
from ..errors import TruthTooExpensive
from .registry import get_domain

DEFAULT_TRUTH_SAMPLES = 100_000
# not 0, the default seed of the sampling estimator: a truth must not share its draws with an estimate
DEFAULT_TRUTH_SEED = 99_991


@dataclass(frozen=True)
class Reference:
    """The truth of one quantity: exact (`stderr` 0, `samples` None) or a Monte Carlo estimate of it."""

    value: Any
    stderr: float = 0.0
    samples: int | None = None
    seed: int | None = None
    why: str = ""  # why the exact truth was out of reach (Monte Carlo only)

    @property
    def exact(self) -> bool:
        return self.samples is None

    def describe(self) -> str:
        if self.exact:
            return "exact"
        return f"Monte Carlo truth: {self.samples} samples, seed {self.seed}"


def truth_samples(domain: str) -> int:
    """How many Monte Carlo samples stand in for `domain`'s truth where the exact one is out of reach
    (`DEFAULT_TRUTH_SAMPLES` when asked of a domain that did not opt in)."""
    return int(getattr(get_domain(domain), "truth_samples", DEFAULT_TRUTH_SAMPLES))


def reference_truth(instance: Any, arguments: Arguments, samples: int | None = None,
                    seed: int = DEFAULT_TRUTH_SEED) -> Reference:
    """The exact truth, or (when the domain raises TruthTooExpensive) a seeded Monte Carlo estimate
    with `samples` draws (the domain's `truth_samples` by default) and its standard error."""
    domain = get_domain(instance.domain)
    try:
        return Reference(domain.truth(instance, arguments))
    except TruthTooExpensive as exc:
        if not hasattr(domain, "truth_samples"):
            raise
        why = str(exc)
    n = truth_samples(instance.domain) if samples is None else samples
    mc = domain.monte_carlo(instance, arguments, n, seed)
    stderr = mc.stderr if math.isfinite(mc.stderr) else math.inf
    return Reference(mc.mean, stderr, n, seed, why)
