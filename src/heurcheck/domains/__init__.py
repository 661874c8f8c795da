"""The built-in problem domains, looked up by name (modules are imported on first use)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from ..errors import InvalidInstance, UnknownName
from ..jsonio import Node, load_document
from .base import Domain, MonteCarlo

_BUILTIN = {
    "circuit": "heurcheck.domains.circuit:DOMAIN",
    "boolean": "heurcheck.domains.boolean:DOMAIN",
    "permanent": "heurcheck.domains.permanent:PERMANENT",
    "hafnian": "heurcheck.domains.permanent:HAFNIAN",
}


def domain_names() -> tuple[str, ...]:
    return tuple(_BUILTIN)


def get_domain(name: str) -> Domain:
    if name not in _BUILTIN:
        raise UnknownName("domain", name, _BUILTIN)
    module, _, attr = _BUILTIN[name].partition(":")
    return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]


def instance_from_json(node: Node) -> Any:
    """An instance of whichever domain its `"domain"` field names."""
    if not isinstance(node.value, dict):
        node.fail("an object with a \"domain\" field")
    name = node["domain"].string(tuple(_BUILTIN))
    return get_domain(name).from_json(node)


def load_instance(path: str | Path) -> Any:
    """Read an instance file; every problem is an InvalidInstance naming the file and the field."""
    document = load_document(path, InvalidInstance)
    try:
        return instance_from_json(Node(document))
    except InvalidInstance as exc:
        raise InvalidInstance(f"{path}: {exc}") from None


def instance_to_json(instance: Any) -> dict[str, Any]:
    return get_domain(instance.domain).to_json(instance)


__all__ = ["Domain", "MonteCarlo", "domain_names", "get_domain", "instance_from_json", "load_instance"]
