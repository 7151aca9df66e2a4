"""Edit recipes: small, concrete changes a user makes to a component's files, each with its ground truth.

A recipe is a pure function ``(files, rng) -> files`` over one pack version's text files (relative path
→ text) plus what the harness *should* conclude about it: the kinds of change (the vocabulary of the
real-world study, prior-art §1, plus ``css``, ``style``, ``tag`` and ``formatting``) and how it
translates to a slot config (issue 4):

- ``lossless``: expressible exactly with slot ops (text, classes, attrs, style, visible, tag, wrap,
  order, insert, settings, custom CSS without media queries or states) → translatable, **eligible**;
- ``review``: translatable only with the ``raw`` escape hatch (logic inside a slot, markup no slot
  anchors) or with CSS that has media queries or states → translatable, **review**;
- ``untranslatable``: scripts, moves across slots, logic outside every slot, edits of a shared
  snippet → not translatable, **blocked**.

A recipe that cannot apply to the files it is given (the text it edits is not there, or not once)
raises :class:`NotApplicable`; the generator then picks another. Recipes never guess.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

Files = Mapping[str, str]
Edit = Callable[[Files, random.Random], Files]

TEMPLATE = "template.html.j2"
STYLES = "styles.css"

# The kinds of change, with the share of customizations the study found for each (prior-art §1) and,
# for the kinds it did not count, the share the generator aims for.
KIND_SHARES: dict[str, float] = {
    "logic": 0.31, "element_added": 0.29, "element_removed": 0.26, "class": 0.18, "attribute": 0.09,
    "text": 0.06, "include": 0.06, "comment_out": 0.04, "script": 0.03, "reorder": 0.03,
    "css": 0.30, "style": 0.04, "tag": 0.03, "formatting": 0.02,
}
KINDS = tuple(KIND_SHARES)


class Translation(StrEnum):
    LOSSLESS = "lossless"
    REVIEW = "review"
    UNTRANSLATABLE = "untranslatable"

    @property
    def verdict(self) -> Verdict:
        return {"lossless": Verdict.ELIGIBLE, "review": Verdict.REVIEW,
                "untranslatable": Verdict.BLOCKED}[self.value]


class Verdict(StrEnum):
    """The expected verdict; ordered from best to worst by :func:`worst`."""

    ELIGIBLE = "eligible"
    REVIEW = "review"
    BLOCKED = "blocked"


_SEVERITY = {Verdict.ELIGIBLE: 0, Verdict.REVIEW: 1, Verdict.BLOCKED: 2}


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """The most severe verdict (eligible for none)."""
    return max(verdicts, key=_SEVERITY.__getitem__, default=Verdict.ELIGIBLE)


class NotApplicable(Exception):
    """The recipe's edit does not fit these files (raised inside the generator, never leaves it)."""


@dataclass(frozen=True)
class Recipe:
    """One kind of edit on one component, with its ground truth."""

    id: str  # "product-card/title-class"
    component: str
    kinds: frozenset[str]
    translation: Translation
    description: str
    edit: Edit
    touches: frozenset[str]  # regions it edits: two recipes of one customization never share one
    last: bool = False  # applied after the other recipes of a customization (whole-file reformat)

    def __post_init__(self) -> None:
        unknown = self.kinds - set(KINDS)
        if unknown or not self.kinds:
            raise ValueError(f"recipe {self.id}: unknown or no kinds {sorted(unknown)}")

    @property
    def translatable(self) -> bool:
        return self.translation is not Translation.UNTRANSLATABLE

    @property
    def verdict(self) -> Verdict:
        return self.translation.verdict

    def apply(self, files: Files, rng: random.Random) -> dict[str, str]:
        changed = dict(self.edit(files, rng))
        if changed == dict(files):
            raise NotApplicable(f"{self.id} changed nothing")
        return changed


class Catalog:
    """The recipes of one component, declared with :meth:`recipe` as a decorator."""

    def __init__(self, component: str) -> None:
        self.component = component
        self.recipes: list[Recipe] = []

    def recipe(self, name: str, kinds: Iterable[str], translation: Translation, description: str, *,
               touches: Iterable[str], last: bool = False) -> Callable[[Edit], Edit]:
        """Declare a recipe. ``touches`` names the regions it edits (slots, CSS rules, top-level code):
        recipes sharing a region are never combined, so one cannot change what another's truth is about."""
        def register(edit: Edit) -> Edit:
            self.recipes.append(Recipe(f"{self.component}/{name}", self.component, frozenset(kinds),
                                       translation, description, edit, frozenset(touches), last))
            return edit
        return register


# --- edit helpers: exact, or NotApplicable ---------------------------------------------------------

def replace(files: Files, path: str, old: str, new: str, *, occurrence: int | None = None) -> dict[str, str]:
    """``files`` with ``old`` replaced by ``new`` in ``path``.

    ``old`` must occur exactly once, or, with ``occurrence`` (0-based), at least ``occurrence + 1`` times
    (then that copy is replaced: edits on duplicated lines).
    """
    text = files.get(path)
    if text is None:
        raise NotApplicable(f"no {path}")
    count = text.count(old)
    if (occurrence is None and count != 1) or (occurrence is not None and count <= occurrence):
        raise NotApplicable(f"{old[:40]!r} occurs {count} times in {path}")
    start = -1
    for _ in range((occurrence or 0) + 1):
        start = text.index(old, start + 1)
    return {**files, path: text[:start] + new + text[start + len(old):]}


def _find_once(files: Files, path: str, needle: str) -> tuple[str, int]:
    """The text of ``path`` and where ``needle`` starts in it (after a leading newline, which only
    anchors it to a line start); ``needle`` must occur exactly once."""
    text = files.get(path)
    if text is None or text.count(needle) != 1:
        raise NotApplicable(f"{needle.strip()[:40]!r} is not in {path} exactly once")
    return text, text.index(needle) + (1 if needle.startswith("\n") else 0)


def block(files: Files, path: str, first: str, last: str) -> tuple[str, str, str]:
    """Split ``path`` into (before, block, after): the whole lines from the line holding ``first`` to the
    line where the next ``last`` ends (``last`` may span lines; ``first`` must occur exactly once)."""
    text, at = _find_once(files, path, first)
    start = text.rfind("\n", 0, at) + 1
    end_at = text.find(last, at)
    if end_at == -1:
        raise NotApplicable(f"{last[:40]!r} does not follow {first[:40]!r} in {path}")
    end = text.find("\n", end_at + len(last.rstrip("\n"))) + 1 or len(text)
    return text[:start], text[start:end], text[end:]


def remove_block(files: Files, path: str, first: str, last: str) -> dict[str, str]:
    before, _, after = block(files, path, first, last)
    return {**files, path: before + after}


def rewrite_block(files: Files, path: str, first: str, last: str,
                  change: Callable[[str], str]) -> dict[str, str]:
    before, middle, after = block(files, path, first, last)
    return {**files, path: before + change(middle) + after}


def move_block(files: Files, path: str, first: str, last: str, *, before_line: str) -> dict[str, str]:
    """Move the block ``first``..``last`` to just before the line holding ``before_line``."""
    head, middle, tail = block(files, path, first, last)
    return insert_before_line({**files, path: head + tail}, path, before_line, middle)


def insert_before_line(files: Files, path: str, line_text: str, new_lines: str) -> dict[str, str]:
    """Insert ``new_lines`` (whole lines, ending in a newline) before the line holding ``line_text``."""
    text, found = _find_once(files, path, line_text)
    at = text.rfind("\n", 0, found) + 1
    return {**files, path: text[:at] + new_lines + text[at:]}


def insert_after_line(files: Files, path: str, line_text: str, new_lines: str) -> dict[str, str]:
    """Insert ``new_lines`` after the (whole) line holding ``line_text``."""
    text, found = _find_once(files, path, line_text)
    at = text.find("\n", found + len(line_text.rstrip("\n"))) + 1 or len(text)
    return {**files, path: text[:at] + new_lines + text[at:]}


def append_css(files: Files, rules: str) -> dict[str, str]:
    """Add rules at the end of the stylesheet, after a blank line (how people add CSS)."""
    text = files[STYLES]
    return {**files, STYLES: text.rstrip("\n") + "\n\n" + rules.rstrip("\n") + "\n"}


def css_value(files: Files, selector_line: str, prop: str, value: str) -> dict[str, str]:
    """Change the first ``prop`` from the line holding ``selector_line`` to the end of its rule."""
    before, rule, after = block(files, STYLES, selector_line, "}")
    pattern = rf"(?m)(^\s*|[{{;]\s*)({re.escape(prop)}:\s*)[^;]+;"
    changed, count = re.subn(pattern, rf"\g<1>\g<2>{value};", rule, count=1)
    if not count or changed == rule:
        raise NotApplicable(f"{prop} is not set in the rule {selector_line!r}")
    return {**files, STYLES: before + changed + after}


def reindent(text: str, width: int = 4) -> str:
    """Indent with ``width`` spaces per level where the file used two (a formatter run)."""
    out = []
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip(" ")
        depth = (len(line) - len(stripped)) // 2
        out.append(" " * (depth * width) + stripped if stripped.strip() else line)
    return "".join(out)


def pick(rng: random.Random, options: Iterable[str]) -> str:
    """One of ``options`` (variants of the same recipe; the truth is the same for all of them)."""
    return rng.choice(list(options))
