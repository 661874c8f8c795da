"""The estimator registry: built-ins, the `heurcheck.estimators` entry-point group, and explicit
`module:attr` or `path/to/file.py:attr` references. Each plugin is validated when registered."""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import importlib.util
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..domains import domain_names
from ..errors import InvalidOption, PluginError, UnknownName
from .base import EVERY_DOMAIN, Capabilities, Described, Option

ENTRY_POINT_GROUP = "heurcheck.estimators"

BUILTINS: dict[str, str] = {
    "exact": "heurcheck.estimators.reference:Exact",
    "sampling": "heurcheck.estimators.reference:Sampling",
    "mean": "heurcheck.estimators.propagation:MeanPropagation",
    "covariance": "heurcheck.estimators.propagation:CovariancePropagation",
    "cumulant": "heurcheck.estimators.propagation:CumulantPropagation",
    "perm-row": "heurcheck.estimators.permanent:RowEstimator",
    "perm-col": "heurcheck.estimators.permanent:ColumnEstimator",
    "perm-sum": "heurcheck.estimators.permanent:SumEstimator",
    "perm-uniq": "heurcheck.estimators.permanent:UniqEstimator",
    "perm-rowcol": "heurcheck.estimators.permanent:RowColumnEstimator",
    "symmetrize": "heurcheck.estimators.symmetrize:Symmetrize",
}


@dataclass
class _Entry:
    reference: str
    source: str
    factory: Any = None


def load_reference(reference: str) -> Any:
    """Import `module:attr` or `path/to/file.py:attr` (the file is loaded as a module, not evaluated as text)."""
    target, sep, attr = reference.rpartition(":")
    if not sep or not target or not attr:
        raise PluginError(f"estimator reference {reference!r}: expected 'module:attr' or 'path/to/file.py:attr'")
    if target.endswith(".py") or "/" in target or "\\" in target:
        path = Path(target)
        if not path.is_file():
            raise PluginError(f"estimator reference {reference!r}: no file {str(path)!r}")
        name = f"heurcheck_plugin_{abs(hash(str(path.resolve())))}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise PluginError(f"estimator reference {reference!r}: cannot load {str(path)!r} as a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # a broken plugin file is reported, not raised through
            raise PluginError(f"estimator reference {reference!r}: importing {path} failed: {exc!r}") from exc
    else:
        try:
            module = importlib.import_module(target)
        except Exception as exc:
            raise PluginError(f"estimator reference {reference!r}: importing {target!r} failed: {exc!r}") from exc
    try:
        return getattr(module, attr)
    except AttributeError:
        raise PluginError(f"estimator reference {reference!r}: {target!r} has no attribute {attr!r}") from None


def file_reference(name: str) -> tuple[str, dict[str, str] | None]:
    """A `path/to/file.py:attr` reference made portable: the resolved path in the reference, and the
    file's path and sha256 (to tell later whether it changed). Any other name is returned as it is."""
    target, sep, attr = name.rpartition(":")
    if not sep or not (target.endswith(".py") or "/" in target or "\\" in target):
        return name, None
    path = Path(target).expanduser().resolve()
    if not path.is_file():
        return name, None  # loading it reports the missing file
    return f"{path}:{attr}", {"path": str(path), "sha256": file_sha256(path)}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def validate(factory: Any, where: str) -> None:
    """Check that `factory` (a class or an instance) declares the estimator interface."""
    problems = []
    name = getattr(factory, "name", None)
    if not isinstance(name, str) or not name:
        problems.append("`name` must be a non-empty string")
    domains = getattr(factory, "domains", None)
    known = set(domain_names())
    if not isinstance(domains, (set, frozenset, tuple, list)) or not domains:
        problems.append(f"`domains` must be a non-empty set drawn from {sorted(known)}, or EVERY_DOMAIN")
    elif set(domains) != EVERY_DOMAIN and not set(domains) <= known:
        problems.append(f"`domains` names unknown domains {sorted(set(domains) - known)} (known: {sorted(known)})")
    if not callable(getattr(factory, "estimate", None)):
        problems.append("it has no `estimate(instance, arguments)` method")
    for flag in ("randomised", "traceable"):
        if not isinstance(getattr(factory, flag, False), bool):
            problems.append(f"`{flag}` must be True or False")
    options = getattr(factory, "options", {})
    if not isinstance(options, Mapping) or not all(isinstance(o, Option) for o in options.values()):
        problems.append("`options` must map option names to heurcheck.Option")
    if problems:
        raise PluginError(f"estimator plugin {where}: " + "; ".join(problems))


def convert_option(estimator: str, name: str, option: Option, value: Any) -> Any:
    """Turn a command-line string (or a Python value) into the option's type, checking its bounds."""
    try:
        if isinstance(value, str) and option.type is bool:
            lowered = value.strip().lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            converted: Any = lowered in ("true", "1", "yes")
        elif isinstance(value, str) or option.type in (int, float):
            if option.type is int and isinstance(value, float) and not value.is_integer():
                raise ValueError
            converted = option.type(value)
        else:
            converted = value
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InvalidOption):
            raise
        kind = getattr(option.type, "__name__", str(option.type))
        raise InvalidOption(f"option {name}={value!r} of estimator {estimator!r}: expected a value of type {kind}") from None
    if option.choices is not None and converted not in option.choices:
        raise InvalidOption(f"option {name}={value!r} of estimator {estimator!r}: expected one of {option.choices}")
    if option.minimum is not None and isinstance(converted, (int, float)) and converted < option.minimum:
        raise InvalidOption(f"option {name}={value!r} of estimator {estimator!r}: expected at least {option.minimum}")
    if option.maximum is not None and isinstance(converted, (int, float)) and converted > option.maximum:
        raise InvalidOption(f"option {name}={value!r} of estimator {estimator!r}: expected at most {option.maximum:g}")
    return converted


def parse_reference(spec: str) -> tuple[str, dict[str, str]]:
    """An estimator with its options, as text: its name (a registry name, `module:attr` or `file.py:attr`)
    followed by its options `KEY=VALUE`, separated by spaces (`"cumulant order=3"`) or after a colon,
    separated by commas (`"cumulant:order=3"`, `"my_est.py:Mine:low=0.1,high=2"`)."""
    words = spec.split()
    expected = (f"estimator {spec!r}: expected an estimator name, then options KEY=VALUE separated by spaces "
                f"(e.g. 'cumulant order=3') or after a colon, separated by commas (e.g. 'cumulant:order=3')")
    if not words:
        raise InvalidOption(expected)
    first, pairs = words[0], words[1:]
    if "=" in first:  # the colon form: the options start after the last colon before the first "="
        colon = first.rfind(":", 0, first.index("="))
        if colon <= 0:
            raise InvalidOption(expected)
        first, pairs = first[:colon], first[colon + 1:].split(",") + pairs
    options: dict[str, str] = {}
    for word in pairs:
        key, sep, value = word.partition("=")
        if not sep or not key or not value:
            raise InvalidOption(f"estimator {spec!r}: option {word!r} is not KEY=VALUE")
        options[key] = value
    return first, options


def reference_text(name: str, options: Mapping[str, Any]) -> str:
    """The text `parse_reference` reads back: the name, then its options KEY=VALUE separated by spaces."""
    return " ".join([name, *(f"{k}={v}" for k, v in options.items())])


def summary(estimator: Any) -> str:
    """The first line of an estimator's docstring ("" without one)."""
    doc = str(getattr(estimator, "__doc__", None) or "").strip().splitlines()
    return doc[0] if doc else ""


class EstimatorSource(Protocol):
    """What builds estimators by name: a `Registry`, or the `IsolatedRegistry` (heurcheck.isolation)
    that re-creates an isolated estimator on its worker."""

    def create(self, name: str, **options: Any) -> Any: ...


class Registry:
    """Estimator factories by name. `Registry.default()` holds the built-ins and installed plugins."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        # `module:attr` / `file.py:attr` references loaded once per registry: a randomised plugin is
        # re-created with a fresh seed for every call, and loading a file each time cost ~30 ms per call
        self._references: dict[str, Any] = {}

    @classmethod
    def default(cls, entry_points: bool = True) -> Registry:
        registry = cls()
        for name, ref in BUILTINS.items():
            registry._entries[name] = _Entry(ref, "built-in")
        if entry_points:
            for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
                if ep.name not in registry._entries:
                    registry._entries[ep.name] = _Entry(ep.value, f"entry point {ep.name} = {ep.value}")
        return registry

    def register(self, factory: Any, source: str = "registered in code") -> str:
        validate(factory, repr(getattr(factory, "name", factory)))
        name = factory.name
        if name in self._entries and self._entries[name].factory is not factory:
            raise PluginError(f"estimator plugin {name!r}: the name is taken by {self._entries[name].source}")
        self._entries[name] = _Entry("", source, factory)
        return name

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def is_builtin(self, name: str) -> bool:
        """True for heurcheck's own estimators; False for entry points, `module:attr` / `file.py:attr`
        references and estimators registered in code (third-party code, run isolated by default)."""
        entry = self._entries.get(name)
        return entry is not None and entry.source == "built-in"

    def factory(self, name: str) -> Any:
        """The class (or instance) registered as `name`, or loaded from a `module:attr` / `file.py:attr` reference."""
        if name not in self._entries:
            if ":" in name:
                if name not in self._references:
                    factory = load_reference(name)
                    validate(factory, repr(name))
                    self._references[name] = factory
                return self._references[name]
            raise UnknownName("estimator", name, self._entries)
        entry = self._entries[name]
        if entry.factory is None:
            factory = load_reference(entry.reference)
            validate(factory, f"{name!r} ({entry.source})")
            if factory.name != name:
                raise PluginError(f"estimator plugin {entry.source}: it declares name {factory.name!r}, not {name!r}")
            entry.factory = factory
        return entry.factory

    def create(self, name: str, **options: Any) -> Any:
        """An estimator instance with its options checked and converted (`order="3"` becomes 3)."""
        factory = self.factory(name)
        declared_name: str = factory.name  # validated: a non-empty string (read before isinstance narrows factory)
        declared = Capabilities.of(factory).options
        unknown = [k for k in options if k not in declared]
        if unknown:
            raise InvalidOption(str(UnknownName("option", unknown[0], declared, owner=f"estimator {declared_name!r}")))
        converted = {k: convert_option(declared_name, k, declared[k], v) for k, v in options.items()}
        if not isinstance(factory, type):
            if converted:
                raise InvalidOption(f"estimator {declared_name!r} is an object, not a class: it takes no options")
            return factory
        try:
            return factory(**converted)
        except InvalidOption:
            raise
        except Exception as exc:
            raise PluginError(f"estimator {declared_name!r}: construction with {converted} failed: {exc!r}") from exc

    def describe(self, name: str) -> Described:
        """What `heurcheck list` shows of `name`, read here (this imports a plugin: see loading.description)."""
        f = self.factory(name)
        return self.described(name, Capabilities.of(f), summary(f))

    def described(self, name: str, caps: Capabilities, first_line: str) -> Described:
        """The description of `name` from its capabilities and the first line of its docstring."""
        return Described(
            name=caps.name,
            domains=tuple(sorted(caps.domains_among(domain_names()))),
            randomised=caps.randomised,
            traceable=caps.traceable,
            options=dict(caps.options),
            summary=first_line,
            source=self._entries[name].source if name in self._entries else name,
        )
