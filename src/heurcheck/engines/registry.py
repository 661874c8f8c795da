"""The engines by name: the built-ins, and third-party engines from the `heurcheck.engines`
entry-point group (name = "module:attr", a factory taking `SearchOptions` and returning an Engine)."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable

from ..errors import InvalidOption, PluginError
from ..estimators.registry import load_reference
from .auto import AutoEngine
from .base import Engine, SearchOptions
from .exhaustive import ExhaustiveEngine
from .formal import FormalEngine
from .random import GuidedEngine, RandomEngine

ENTRY_POINT_GROUP = "heurcheck.engines"

def _formal(name: str) -> Callable[[SearchOptions], Engine]:
    return lambda options: FormalEngine(name, options)


BUILTIN: dict[str, Callable[[SearchOptions], Engine]] = {
    "random": RandomEngine,
    "guided": GuidedEngine,
    "exhaustive": ExhaustiveEngine,
    "symbolic": _formal("symbolic"),
    "smt": _formal("smt"),
    "auto": AutoEngine,
}


def _entry_points() -> dict[str, str]:
    return {ep.name: ep.value for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
            if ep.name not in BUILTIN}


def engine_names() -> tuple[str, ...]:
    """Every engine name: the built-ins first, then installed entry points."""
    return tuple(BUILTIN) + tuple(sorted(_entry_points()))


def create_engine(name: str, options: SearchOptions) -> Engine:
    if name in BUILTIN:
        return BUILTIN[name](options)
    references = _entry_points()
    if name not in references:
        raise InvalidOption(f"engine={name!r}: expected one of {', '.join(engine_names())}")
    factory = load_reference(references[name])
    engine = factory(options)
    missing = [m for m in ("name", "fits", "decide") if not hasattr(engine, m)]
    if missing:
        raise PluginError(f"engine entry point {name} = {references[name]}: the object it makes has no "
                          f"{', '.join(missing)} (expected the Engine protocol: name, fits, decide)")
    engine_: Engine = engine
    return engine_
