"""The domain registry: built-in domains and the `heurcheck.domains` entry-point group, looked up by
name (modules are imported on first use), and the readers that need a domain's atom types.

A third-party package adds a domain by naming a Domain object (see `base.Domain`)::

    [project.entry-points."heurcheck.domains"]
    mydomain = "my_package.domain:DOMAIN"

The object's `name` must be the entry point's name. Built-ins win over an entry point of the
same name. Entry points are listed on first use and each is loaded when its domain is first asked
for; one that fails to load or is not a Domain raises PluginError naming it.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from pathlib import Path
from typing import Any

from ..arguments import Arguments
from ..errors import InvalidArgument, InvalidInstance, PluginError, UnknownName
from ..jsonio import Node, load_document
from .base import DOMAIN_ATTRIBUTES, DOMAIN_METHODS, Description, Domain

ENTRY_POINT_GROUP = "heurcheck.domains"

_BUILTIN = {
    "circuit": "heurcheck.domains.circuit:DOMAIN",
    "boolean": "heurcheck.domains.boolean:DOMAIN",
    "permanent": "heurcheck.domains.permanent:DOMAIN",
    "hafnian": "heurcheck.domains.hafnian:DOMAIN",
    "mlp": "heurcheck.domains.mlp:DOMAIN",
}

_entry_points: dict[str, Any] | None = None  # name -> EntryPoint, listed on first use
_loaded: dict[str, Domain] = {}  # entry-point domains loaded so far


def _plugins() -> dict[str, Any]:
    """The entry points of the `heurcheck.domains` group whose names no built-in takes."""
    global _entry_points
    if _entry_points is None:
        found: dict[str, Any] = {}
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if ep.name not in _BUILTIN:
                found.setdefault(ep.name, ep)
        _entry_points = found
    return _entry_points


def domain_names() -> tuple[str, ...]:
    return tuple(_BUILTIN) + tuple(_plugins())


def get_domain(name: str) -> Domain:
    if name in _BUILTIN:
        module, _, attr = _BUILTIN[name].partition(":")
        return getattr(importlib.import_module(module), attr)
    if name not in _loaded:
        ep = _plugins().get(name)
        if ep is None:
            raise UnknownName("domain", name, domain_names())
        _loaded[name] = _load_entry_point(ep)
    return _loaded[name]


def _load_entry_point(ep: Any) -> Domain:
    where = f"domain entry point {ep.name} = {ep.value} (group {ENTRY_POINT_GROUP})"
    try:
        domain = ep.load()
    except Exception as exc:  # a broken plugin is reported with its name, not raised through
        raise PluginError(f"{where}: loading it failed: {exc!r}") from exc
    missing = [a for a in DOMAIN_ATTRIBUTES if not hasattr(domain, a)]
    missing += [f"{m}()" for m in DOMAIN_METHODS if not callable(getattr(domain, m, None))]
    if missing:
        raise PluginError(
            f"{where}: expected a Domain object (attributes {', '.join(DOMAIN_ATTRIBUTES)}; methods "
            f"{', '.join(DOMAIN_METHODS)}), got {type(domain).__name__} {domain!r:.80} without {', '.join(missing)}"
        )
    if domain.name != ep.name:
        raise PluginError(f"{where}: expected a Domain named {ep.name!r}, got one named {domain.name!r}")
    return domain


def instance_from_json(node: Node) -> Any:
    """An instance of whichever domain its `"domain"` field names."""
    if not isinstance(node.value, dict):
        node.fail("an object with a \"domain\" field")
    name = node["domain"].string(domain_names())
    return get_domain(name).from_json(node)


def describe_instance(instance: Any) -> Description | None:
    """The instance described for people by its domain's optional `describe(instance)` (a formula, tables);
    None when the domain offers none."""
    describe = getattr(get_domain(instance.domain), "describe", None)
    return describe(instance) if callable(describe) else None


def load_instance(path: str | Path) -> Any:
    """Read an instance file; every problem is an InvalidInstance naming the file and the field."""
    document = load_document(path, InvalidInstance)
    try:
        return instance_from_json(Node(document))
    except InvalidInstance as exc:
        raise InvalidInstance(f"{path}: {exc}") from None


def instance_to_json(instance: Any) -> dict[str, Any]:
    return get_domain(instance.domain).to_json(instance)


# --------------------------------------------------------------------------- argument atoms by domain


def atom_kinds(domain: str) -> dict[str, Any]:
    """The atom classes of one domain, by kind."""
    return {cls.kind: cls for cls in get_domain(domain).atom_types}


def parse_atom(domain: str, text: str) -> Any:
    """Parse the command-line form `kind` or `kind:payload` of an atom of `domain`."""
    kind, _, payload = text.strip().partition(":")
    kinds = atom_kinds(domain)
    if kind not in kinds:
        raise InvalidArgument(str(UnknownName("argument kind", kind, kinds, owner=f"the {domain} domain")))
    return kinds[kind].from_text(payload.strip())


def atom_from_json(domain: str, node: Node) -> Any:
    node = Node(node.value, node.path, InvalidArgument)
    kinds = atom_kinds(domain)
    kind = node["kind"].string(tuple(sorted(kinds)))
    return kinds[kind].from_json(node)


def arguments_from_json(domain: str, node: Node) -> Arguments:
    node = Node(node.value, node.path, InvalidArgument)
    return Arguments(atom_from_json(domain, item) for item in node.items())
