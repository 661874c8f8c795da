"""The permanent domain's argument atoms: payload-free facts an estimator may use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ...errors import InvalidArgument
from ...jsonio import Node
from .model import Matrix


@dataclass(frozen=True)
class _Fact:
    """A payload-free fact about a permanent instance that an estimator may use; true of every matrix."""

    kind: ClassVar[str] = ""
    domain: ClassVar[str] = "permanent"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind}

    def text(self) -> str:
        return self.kind

    @classmethod
    def from_text(cls, payload: str) -> Any:
        if payload.strip():
            raise InvalidArgument(f"argument {cls.kind}:{payload}: {cls.kind} takes no payload")
        return cls()

    @classmethod
    def from_json(cls, node: Node) -> Any:
        node.object(("kind",))
        return cls()

    def check(self, instance: Any) -> None:
        if not isinstance(instance, Matrix):
            raise InvalidArgument(f"argument {self.kind}: expected a permanent instance, got {type(instance).__name__}")


@dataclass(frozen=True)
class RowSums(_Fact):
    """The row sums r_i are known."""

    kind: ClassVar[str] = "row-sums"


@dataclass(frozen=True)
class ColSums(_Fact):
    """The column sums c_j are known."""

    kind: ClassVar[str] = "col-sums"


@dataclass(frozen=True)
class TotalSum(_Fact):
    """The total sum S of the entries is known."""

    kind: ClassVar[str] = "total-sum"


@dataclass(frozen=True)
class EntryMultiset(_Fact):
    """The multiset of the n^2 entries (not their positions) is known."""

    kind: ClassVar[str] = "entry-multiset"
