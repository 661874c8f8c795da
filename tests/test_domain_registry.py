"""The domain registry: built-ins, and third-party domains from the `heurcheck.domains` entry-point group."""

from __future__ import annotations

from typing import Any

import pytest

from heurcheck.domains import domain_names, get_domain, instance_from_json, registry
from heurcheck.domains.circuit import DOMAIN as CIRCUIT
from heurcheck.errors import PluginError, UnknownName
from heurcheck.jsonio import Node


class ToyDomain:
    """The smallest Domain: instances are {"domain": "toy", "value": v}, returned as the bare number."""

    name = "toy"
    summary = "a test domain"
    instance_type = int
    atom_types: tuple[type, ...] = ()

    def from_json(self, node: Any) -> Any:
        node.object(("domain", "value"))
        return node["value"].number()

    def to_json(self, instance: Any) -> dict[str, Any]:
        return {"domain": self.name, "value": instance}

    def truth(self, instance: Any, arguments: Any) -> Any:
        return instance

    def monte_carlo(self, instance: Any, arguments: Any, samples: int, seed: int) -> Any:
        raise NotImplementedError

    def instances(self, **limits: Any) -> Any:
        raise NotImplementedError

    def size(self, instance: Any) -> int:
        return 1

    def lift(self, instance: Any, prefix: str = "") -> Any:
        return instance


class FakeEntryPoint:
    def __init__(self, name: str, value: str, load: Any) -> None:
        self.name, self.value, self.group, self._load = name, value, registry.ENTRY_POINT_GROUP, load
        self.loads = 0

    def load(self) -> Any:
        self.loads += 1
        return self._load()


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Install fake entry points (the registry lists them afresh, as on first use)."""

    def install(*eps: FakeEntryPoint) -> None:
        asked = []

        def entry_points(group: str) -> list[FakeEntryPoint]:
            asked.append(group)
            return list(eps) if group == registry.ENTRY_POINT_GROUP else []

        monkeypatch.setattr(registry.importlib.metadata, "entry_points", entry_points)
        monkeypatch.setattr(registry, "_entry_points", None)
        monkeypatch.setattr(registry, "_loaded", {})

    return install


def test_an_entry_point_domain_is_listed_and_loaded_once_on_first_use(installed) -> None:
    toy = ToyDomain()
    ep = FakeEntryPoint("toy", "toy_package.domain:DOMAIN", lambda: toy)
    installed(ep)
    assert domain_names()[-1] == "toy" and ep.loads == 0  # listing does not load
    assert get_domain("toy") is toy and get_domain("toy") is toy
    assert ep.loads == 1
    assert instance_from_json(Node({"domain": "toy", "value": 3})) == 3


def test_a_builtin_wins_over_an_entry_point_of_the_same_name(installed) -> None:
    ep = FakeEntryPoint("circuit", "toy_package.domain:DOMAIN", ToyDomain)
    installed(ep)
    assert domain_names().count("circuit") == 1
    assert get_domain("circuit") is CIRCUIT
    assert ep.loads == 0


def test_an_entry_point_that_fails_to_load_is_named(installed) -> None:
    def broken() -> Any:
        raise ImportError("No module named 'toy_package'")

    installed(FakeEntryPoint("toy", "toy_package.domain:DOMAIN", broken))
    with pytest.raises(PluginError, match=r"domain entry point toy = toy_package\.domain:DOMAIN .*loading it failed.*toy_package"):
        get_domain("toy")


def test_an_entry_point_that_is_not_a_domain_is_named_with_what_is_missing(installed) -> None:
    installed(FakeEntryPoint("toy", "toy_package.domain:DOMAIN", lambda: object()))
    with pytest.raises(PluginError, match=r"domain entry point toy = .*expected a Domain object.*without name, .*lift\(\)"):
        get_domain("toy")


def test_an_entry_point_domain_must_carry_its_entry_point_name(installed) -> None:
    installed(FakeEntryPoint("other", "toy_package.domain:DOMAIN", ToyDomain))
    with pytest.raises(PluginError, match="expected a Domain named 'other', got one named 'toy'"):
        get_domain("other")


def test_an_unknown_domain_lists_builtins_and_entry_points(installed) -> None:
    installed(FakeEntryPoint("toy", "toy_package.domain:DOMAIN", ToyDomain))
    with pytest.raises(UnknownName, match="Installed: boolean, circuit, hafnian, mlp, permanent, toy"):
        get_domain("nowhere")


def test_every_builtin_domain_has_size_and_lift() -> None:
    for name in ("circuit", "boolean", "permanent", "hafnian", "mlp"):
        domain = get_domain(name)
        assert domain.name == name
        assert callable(domain.size) and callable(domain.lift)
