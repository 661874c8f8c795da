"""The value to compare estimates with: the exact truth where the domain has one in reach, else its
Monte Carlo estimate with a standard error (a `Reference` says which).

A domain opts in by setting `truth_samples` (the Monte Carlo sample count used when its exact truth
raises `TruthTooExpensive`; mlp does, where deep networks have no exact value). A domain that does not
keeps its refusal: there the limits of the exact truth are input limits (a permanent with 100-digit
entries), and a Monte Carlo estimate with a standard error larger than the value would only hide them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..arguments import Arguments
from ..errors import TruthTooExpensive
from .registry import get_domain

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


def truth_samples(domain: str) -> int | None:
    """How many Monte Carlo samples stand in for `domain`'s truth where the exact one is out of reach;
    None for a domain that does not opt in."""
    samples = getattr(get_domain(domain), "truth_samples", None)
    return None if samples is None else int(samples)


def reference_truth(instance: Any, arguments: Arguments, samples: int | None = None,
                    seed: int = DEFAULT_TRUTH_SEED) -> Reference:
    """The exact truth, or (when the domain raises TruthTooExpensive) a seeded Monte Carlo estimate
    with `samples` draws (the domain's `truth_samples` by default) and its standard error; a domain that
    sets no `truth_samples` keeps the refusal (TruthTooExpensive)."""
    domain = get_domain(instance.domain)
    default = truth_samples(instance.domain)
    try:
        return Reference(domain.truth(instance, arguments))
    except TruthTooExpensive as exc:
        if default is None:
            raise
        why = str(exc)
    n = default if samples is None else samples
    mc = domain.monte_carlo(instance, arguments, n, seed)
    stderr = mc.stderr if math.isfinite(mc.stderr) else math.inf
    return Reference(mc.mean, stderr, n, seed, why)
