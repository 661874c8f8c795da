"""Where an estimator is built and run: in this process (heurcheck's built-ins) or in an isolation worker
(third-party code), which imports and builds the plugin so that this process never runs it.

`load` is the one place `check`, `replay` and `estimate` get their estimator; `capabilities` tells the
report card which domains an estimator declares without importing it here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidOption, PluginError, UnknownName
from ..isolation import Isolation, IsolatedFailure, IsolationSettings, isolate, wanted
from .base import Capabilities, Described, Estimate, Option, checked_estimate
from .registry import EstimatorSource, Registry, summary

PLAIN = (int, float, str, bool, type(None))


@dataclass(frozen=True)
class Loaded:
    """An estimator ready to call: `estimator` (the proxy of an isolated one), `source` (what re-creates it
    with other options: the registry, or one that keeps it on its worker) and the worker, if any."""

    estimator: Any
    source: EstimatorSource
    isolation: Isolation | None = None


@contextmanager
def load(registry: Registry, name: str, options: Mapping[str, Any], mode: str,
         settings: IsolationSettings = IsolationSettings()) -> Iterator[Loaded]:
    """Build estimator `name` with `options`: in an isolation worker when `mode` (see isolation.MODES) wants
    it, else here. A plugin that cannot be imported or built (it raises, hangs, crashes, exits or runs out
    of memory) is a PluginError naming what happened; the worker and its processes end with the block."""
    if not wanted(mode, registry, name):
        yield Loaded(registry.create(name, **options), registry)
        return
    require_known(registry, name)
    try:
        estimator, source, isolation = isolate(registry, name, options, settings, portable_capabilities,
                                               portable_result)
    except IsolatedFailure as exc:
        raise _load_error(name, exc) from None
    try:
        yield Loaded(estimator, source, isolation)
    finally:
        isolation.close()


def capabilities(registry: Registry, name: str, mode: str,
                 settings: IsolationSettings = IsolationSettings(), options: Mapping[str, Any] | None = None
                 ) -> Capabilities:
    """What estimator `name` declares, built with `options` (checked: InvalidOption), read in an isolation
    worker when `mode` wants it (PluginError as `load`)."""
    with load(registry, name, options or {}, mode, settings) as loaded:
        return Capabilities.of(loaded.estimator)


def description(registry: Registry, name: str, mode: str, settings: IsolationSettings = IsolationSettings()
                ) -> Described:
    """What `heurcheck list` shows of estimator `name`, read in an isolation worker when `mode` wants it (a
    plugin's import runs none of its code here; PluginError as `load` when it fails there)."""
    if not wanted(mode, registry, name):
        return registry.describe(name)
    require_known(registry, name)
    isolation = Isolation(registry, name, settings, _portable_description)
    try:
        caps, first_line = isolation.describe({})
    except IsolatedFailure as exc:
        raise _load_error(name, exc) from None
    finally:
        isolation.close()
    return registry.described(name, caps, first_line)


def _portable_description(estimator: Any) -> tuple[Capabilities, str]:
    return portable_capabilities(estimator), summary(estimator)


def require_known(registry: Registry, name: str) -> None:
    """A name that is neither registered nor a reference is a typo: say so here, without a worker."""
    if ":" not in name and name not in registry.names():
        raise UnknownName("estimator", name, registry.names())


def _load_error(name: str, failure: IsolatedFailure) -> Exception:
    if failure.kind == "refused":
        kind, message = failure.args[0]
        return InvalidOption(message) if kind == InvalidOption.__name__ else PluginError(message)
    what = {"timeout": "took too long", "memory": "ran out of memory", "crashed": "ended its process",
            "raised": "failed"}.get(failure.kind, "failed")
    return PluginError(f"estimator plugin {name!r}: importing and building it in its worker process {what}: {failure}")


def portable_capabilities(estimator: Any) -> Capabilities:
    """The estimator's capabilities as built-in values only (an option's type, default or choices that are
    the plugin's own objects become their text), so that reading them never needs the plugin's code."""
    caps = Capabilities.of(estimator)
    return Capabilities(
        name=str(caps.name), domains=frozenset(str(d) for d in caps.domains), randomised=bool(caps.randomised),
        traceable=bool(caps.traceable), options={str(k): _portable_option(o) for k, o in caps.options.items()},
        default_arguments=tuple(str(a) for a in caps.default_arguments),
        effort=None if caps.effort is None else (str(caps.effort[0]), tuple(
            v if type(v) in PLAIN else str(v) for v in caps.effort[1])))


def _portable_option(option: Option) -> Option:
    kind = option.type if option.type in (int, float, bool, str) else str
    choices = None if option.choices is None else tuple(c if type(c) in PLAIN else str(c) for c in option.choices)
    minimum, maximum = (float(b) if isinstance(b, (int, float)) else None for b in (option.minimum, option.maximum))
    default = option.default if type(option.default) in PLAIN else str(option.default)
    return Option(kind, default, str(option.help), choices, minimum, maximum)


def portable_result(result: Any) -> Estimate:
    """A call's result as an `Estimate` of built-in numbers (BadResult otherwise); a symbolic one (sympy,
    when a traceable plugin is traced) is kept as it is."""
    value = result.value if isinstance(result, Estimate) else result
    if type(value).__module__.startswith("sympy") and not getattr(value, "is_number", False):
        return result if isinstance(result, Estimate) else Estimate(result)
    return checked_estimate(result)

