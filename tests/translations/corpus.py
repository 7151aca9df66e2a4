"""The translation fixture corpus: customizations written as edits of real pack versions, with expectations.

``cases.toml`` lists each case: the component, the version the user edited, the edits (find/replace in
the version's files), and what the translation must conclude (status, operation kinds, codes). The
diff of each case is produced against the pack's files and kept in ``diffs/<id>.diff`` (a golden file,
refreshed with ``pytest --update-goldens``), so the diffs are exactly what a user's editor would produce.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.model import Customization
from harness.packs import PackRegistry
from harness.patching import unified_diff

HERE = Path(__file__).parent
CASES_FILE = HERE / "cases.toml"
DIFFS = HERE / "diffs"


@dataclass(frozen=True)
class Edit:
    file: str
    find: str
    replace: str
    every: bool = False  # replace every occurrence (a reformat), not exactly one


@dataclass(frozen=True)
class Case:
    id: str
    component: str
    base: str
    about: str
    status: str
    ops: tuple[str, ...]
    codes: tuple[str, ...]
    edits: tuple[Edit, ...]
    record_base: bool = True  # False: the record does not say which version the diff was made against

    @property
    def translatable(self) -> bool:
        return self.status == "complete"

    @property
    def diff_path(self) -> Path:
        return DIFFS / f"{self.id}.diff"

    def customization(self) -> Customization:
        return Customization(f"user-{self.id}", self.component, self.base if self.record_base else None,
                             self.diff_path.read_bytes(), source=str(self.diff_path))


def load_cases() -> tuple[Case, ...]:
    data = tomllib.loads(CASES_FILE.read_text(encoding="utf-8"))
    return tuple(_case(item) for item in data["case"])


def _case(item: Mapping[str, Any]) -> Case:
    edits = tuple(Edit(e["file"], e["find"], e["replace"], bool(e.get("every", False))) for e in item["edit"])
    return Case(item["id"], item["component"], item["base"], item["about"], item["status"], tuple(item.get("ops", ())),
                tuple(item.get("codes", ())), edits, bool(item.get("record_base", True)))


def patched_files(case: Case, packs: PackRegistry) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The files of the edited version before and after the case's edits."""
    before = dict(packs[case.component].version(case.base).files)
    after = dict(before)
    for edit in case.edits:
        text = after[edit.file].decode("utf-8")
        count = text.count(edit.find)
        if count == 0 or (count > 1 and not edit.every):
            raise ValueError(f"case {case.id}: {edit.find!r} occurs {count} times in {edit.file} of {case.base}")
        after[edit.file] = (text.replace(edit.find, edit.replace) if edit.every
                            else text.replace(edit.find, edit.replace, 1)).encode("utf-8")
    return before, after


def build_diff(case: Case, packs: PackRegistry) -> bytes:
    before, after = patched_files(case, packs)
    return unified_diff(before, after, sorted(before))


__all__ = ["CASES_FILE", "DIFFS", "Case", "Edit", "build_diff", "load_cases", "patched_files"]
