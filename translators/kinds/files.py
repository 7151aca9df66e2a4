"""Edits of snippet files (macros, includes): no slot holds them; a shared one would change other components."""

from __future__ import annotations

from translators.base import Outcome
from translators.changes import AnyChange, FileChange
from translators.context import Context


class FilesTranslator:
    name = "files"
    priority = 5

    def handles(self, change: AnyChange, ctx: Context) -> bool:
        return isinstance(change, FileChange)

    def translate(self, change: AnyChange, ctx: Context) -> Outcome:
        assert isinstance(change, FileChange)
        if change.shared_with:
            return Outcome.unconverted(
                "translate.shared_file",
                f"{change.file} is shared with {', '.join(change.shared_with)}: changing it would change those "
                "components too, and a slot config cannot edit a shared snippet")
        return Outcome.unconverted(
            "translate.snippet",
            f"{change.file} holds macros or includes that have no slots; a slot config can only change the "
            f"component's own template ({ctx.entry})")


TRANSLATOR = FilesTranslator()
