"""Estimators written for the whestbench challenge, run as heurcheck estimators on the mlp domain.

whestbench (PyPI, the optional extra `heurcheck[whest]`) scores estimators of the per-layer means of
ReLU networks `x -> relu(x @ W_1) -> ... -> relu(. @ W_L)` on x ~ N(0, I_width), square weights and no
bias; an estimator is a class with `predict(mlp, budget)` returning a (depth, width) array of those
means, an optional `setup(context)`, and FLOPs counted by flopscope. `WhestAdapter` runs one:

    heurcheck check heurcheck.estimators.whest:WhestAdapter -o estimator=my_estimator.py:MyEstimator \\
        --domain mlp

It takes the mlp instances of that shape (every layer relu, width x width, zero bias, the standard
Gaussian input; anything else is outside its domain), hands the estimator whestbench's `MLP` with
W_k the transpose of layer k's weights (heurcheck stores out x in, whestbench computes x @ W), runs
`predict` inside a flopscope budget of `budget` FLOPs (0: the FLOPs of 2^16 forward passes, the
challenge's scale) and returns readout . (the last layer's predicted means). Referenced as
`module:attr`, it is third-party code to the checker and runs isolated like any plugin.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..arguments import Arguments
from ..errors import OutsideDomain, PluginError
from .base import Option

FORWARD_PASSES = 2**16  # the challenge's budgets are about this many Monte Carlo forward passes


def _whestbench() -> Any:
    try:
        import flopscope
        from whestbench.domain import MLP
        from whestbench.sdk import SetupContext
    except ImportError as exc:
        raise PluginError(f"the whest adapter needs the optional extra heurcheck[whest] (whestbench): {exc}") from None
    return flopscope, MLP, SetupContext


def whest_shape(instance: Any) -> str | None:
    """None when `instance` is a whestbench network (relu layers, width x width, no bias, x ~ N(0, I)),
    else what differs."""
    width = instance.input_dim
    if instance.input_mean is not None:
        return "its input law is not N(0, I)"
    for k, layer in enumerate(instance.layers):
        if layer.activation != "relu":
            return f"layer {k} is {layer.activation}, not relu"
        if layer.width != width or layer.fan_in != width:
            return f"layer {k} is {layer.width} x {layer.fan_in}, not {width} x {width}"
        if any(b != 0 for b in layer.bias):
            return f"layer {k} has a bias"
    return None


class WhestAdapter:
    """A whestbench estimator (`predict(mlp, budget)`) as a heurcheck estimator on mlp."""

    name: ClassVar[str] = "whest"
    domains: ClassVar[frozenset[str]] = frozenset({"mlp"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {
        "estimator": Option(str, "whestbench.estimators:MeanPropagationEstimator",
                            "the whestbench estimator class, as module:attr or path/to/file.py:attr"),
        "budget": Option(int, 0, "FLOP budget per call (0: the FLOPs of 2^16 forward passes)", minimum=0),
        "seed": Option(int, 0, "the seed whestbench's MLP carries (estimators that sample seed from it)", minimum=0),
    }

    def __init__(self, estimator: str = "whestbench.estimators:MeanPropagationEstimator", budget: int = 0,
                 seed: int = 0) -> None:
        from .registry import load_reference

        self.reference = estimator
        self.budget = budget
        self.seed = seed
        factory = load_reference(estimator)
        self.predictor = factory() if isinstance(factory, type) else factory
        if not callable(getattr(self.predictor, "predict", None)):
            raise PluginError(f"whest estimator {estimator!r}: expected a class with predict(mlp, budget)")
        self._set_up: tuple[int, int, int] | None = None

    def estimate(self, instance: Any, arguments: Arguments) -> float:
        import numpy as np

        why = whest_shape(instance)
        if why is not None:
            raise OutsideDomain(f"whestbench estimators take relu(x @ W) networks of one width, no bias, x ~ N(0, I): "
                                f"{why}")
        if len(arguments):
            raise OutsideDomain(f"whestbench estimators take no arguments, not {arguments.text()}")
        flopscope, whest_mlp, setup_context = _whestbench()
        import flopscope.numpy as fnp

        width, depth = instance.input_dim, instance.depth
        weights = [fnp.array(np.array([[float(w) for w in row] for row in layer.weights]).T) for layer in instance.layers]
        net = whest_mlp(width=width, depth=depth, weights=weights, seed=self.seed)
        budget = self.budget or FORWARD_PASSES * depth * 2 * width * width
        if self._set_up != (width, depth, budget) and callable(getattr(self.predictor, "setup", None)):
            self.predictor.setup(setup_context(width=width, depth=depth, flop_budget=budget, api_version="1",
                                               seed=self.seed))
            self._set_up = (width, depth, budget)
        with flopscope.BudgetContext(flop_budget=budget, quiet=True) if _takes_quiet(flopscope) else \
                flopscope.BudgetContext(flop_budget=budget):
            means = np.asarray(self.predictor.predict(net, budget), dtype=float)
        if means.shape != (depth, width):
            raise ValueError(f"predict returned shape {means.shape}, expected ({depth}, {width})")
        return float(np.array([float(r) for r in instance.readout]) @ means[-1])


def _takes_quiet(flopscope: Any) -> bool:
    import inspect

    return "quiet" in inspect.signature(flopscope.BudgetContext).parameters
