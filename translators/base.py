"""The translator protocol and its results: slot operations, or an honest reason why not.

    class Translator(Protocol):
        name: str                     # "classes", "visibility", ...
        priority: int                 # lower runs first; the first translator that handles a change wins
        def handles(self, change, ctx) -> bool: ...
        def translate(self, change, ctx) -> Outcome: ...

An :class:`Outcome` is one of

- ``ops``: regular slot operations, exact and checked by rendering (``classes``, ``text``, ``visible``...);
- ``review``: operations that express the change but cannot be verified here (CSS with media queries or
  states, a ``<style>`` block that applied to the whole page);
- ``raw``: template source for a slot (``raw`` entries are always reviewed);
- ``unconverted``: no slot config can hold the change; ``code`` and ``reason`` say why, in words a
  support engineer can pass on;
- ``no_op``: nothing to migrate (formatting, comments).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from translators.changes import AnyChange

if TYPE_CHECKING:
    from translators.context import Context

OutcomeKind = Literal["ops", "review", "raw", "unconverted", "no_op"]
COMPONENT_OPS = frozenset({"custom_css", "raw"})


@dataclass(frozen=True)
class Op:
    """One slot operation: ``value`` goes to ``slots.<slot>.<op>`` (or ``custom_css.<key>``, ``raw.<key>``)."""

    slot: str | None
    op: str
    value: Any
    key: str | None = None

    @property
    def path(self) -> str:
        if self.op in COMPONENT_OPS:
            return f"{self.op}.{self.key}"
        return f"slots.{self.slot}.{self.op}"

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"op": self.op, "value": self.value}
        if self.slot is not None:
            data["slot"] = self.slot
        if self.key is not None:
            data["id"] = self.key
        return data


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    ops: tuple[Op, ...] = ()
    reason: str = ""
    code: str = ""

    @classmethod
    def regular(cls, *ops: Op) -> Outcome:
        return cls("ops", tuple(ops))

    @classmethod
    def review(cls, reason: str, *ops: Op) -> Outcome:
        return cls("review", tuple(ops), reason, "translate.review")

    @classmethod
    def raw(cls, reason: str, *ops: Op) -> Outcome:
        return cls("raw", tuple(ops), reason, "translate.raw")

    @classmethod
    def unconverted(cls, code: str, reason: str) -> Outcome:
        return cls("unconverted", (), reason, code)

    @classmethod
    def nothing(cls, reason: str) -> Outcome:
        return cls("no_op", (), reason)


class Translator(Protocol):
    """Turns one kind of change into an :class:`Outcome`. One module per kind, in ``translators/kinds/``."""

    name: str
    priority: int

    def handles(self, change: AnyChange, ctx: Context) -> bool: ...

    def translate(self, change: AnyChange, ctx: Context) -> Outcome: ...


__all__ = ["COMPONENT_OPS", "Op", "Outcome", "OutcomeKind", "Translator"]
