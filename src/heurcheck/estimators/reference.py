"""Reference estimators: the exact value and a seeded Monte Carlo estimate with its standard error."""

from __future__ import annotations

from typing import Any, ClassVar

from ..arguments import Arguments
from ..domains import get_domain
from ..errors import OutsideDomain, TruthTooExpensive
from .base import EVERY_DOMAIN, MAX_SAMPLES, MAX_SEED, Estimate, Option


class Exact:
    """The ground truth E[Y | what the arguments reveal], exact (a Fraction on rational instances)."""

    name: ClassVar[str] = "exact"
    domains: ClassVar[frozenset[str]] = EVERY_DOMAIN
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        try:
            return get_domain(instance.domain).truth(instance, arguments)
        except TruthTooExpensive as exc:  # the reference is defined only where the truth is in reach
            raise OutsideDomain(f"no exact value: {exc}") from None


class Sampling:
    """Monte Carlo: the mean of `samples` seeded draws, with its standard error."""

    name: ClassVar[str] = "sampling"
    domains: ClassVar[frozenset[str]] = EVERY_DOMAIN
    randomised: ClassVar[bool] = True
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {
        "samples": Option(int, 10_000, "number of random draws", minimum=2, maximum=MAX_SAMPLES),
        "seed": Option(int, 0, "random seed", minimum=0, maximum=MAX_SEED),
    }
    effort: ClassVar[tuple[str, tuple[int, ...]]] = ("samples", (16, 64, 256, 1024))

    def __init__(self, samples: int = 10_000, seed: int = 0) -> None:
        self.samples = samples
        self.seed = seed

    def estimate(self, instance: Any, arguments: Arguments) -> Estimate:
        mc = get_domain(instance.domain).monte_carlo(instance, arguments, self.samples, self.seed)
        return Estimate(mc.mean, mc.stderr)

    def samples_drawn(self, instance: Any) -> int:
        return self.samples
