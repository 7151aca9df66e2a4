"""Evidence: everything a verdict needs about one user, gathered by the runner.

The contract between the runner (which fills these values) and :mod:`harness.verdicts` (which decides
from them). ``None`` always means "not recorded" and never passes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from harness.model import LoadProblem
from harness.patching.values import PatchOutcome
from harness.score.values import Mismatch
from harness.slots.config import SlotConfig


class ProblemLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def fix(self) -> str | None: ...


@dataclass(frozen=True)
class Problem:
    """An error kept as a value: stable ``code``, a sentence for a person, and the fix."""

    code: str
    message: str
    fix: str = ""

    @classmethod
    def of(cls, error: ProblemLike) -> Problem:
        """From a :class:`~harness.errors.PhoenixError` or a renderer's ``RenderProblem``."""
        return cls(error.code, error.message, error.fix or "")


class PatchStatus(StrEnum):
    OK = "ok"                # applied to its recorded base version
    REBASED = "rebased"      # made against an older version and merged three-way onto the current one
    FAILED = "failed"        # could not be parsed or applied
    CONFLICT = "conflict"    # the three-way merge left conflicts


# Patch-engine events after which a person confirms the patched template is what the user sees today.
CONFIRM_EVENTS = frozenset({"offset", "rebased", "identified_base", "index_mismatch"})


@dataclass(frozen=True)
class PatchNote:
    """One event of the patch engine (``harness.patching`` ``PatchEvent``): kind, words, lines moved."""

    kind: str
    message: str
    lines: int | None = None


@dataclass(frozen=True)
class PatchEvidence:
    status: PatchStatus
    error: Problem | None = None
    target_version: str | None = None
    notes: tuple[PatchNote, ...] = ()

    @property
    def to_confirm(self) -> tuple[PatchNote, ...]:
        return tuple(n for n in self.notes if n.kind in CONFIRM_EVENTS)

    @classmethod
    def from_outcome(cls, outcome: PatchOutcome) -> PatchEvidence:
        notes = tuple(PatchNote(e.kind, e.message, e.lines) for e in outcome.events)
        status = PatchStatus.REBASED if outcome.rebased else PatchStatus.OK
        return cls(status, None, outcome.target_version, notes)

    @classmethod
    def from_error(cls, error: ProblemLike) -> PatchEvidence:
        status = PatchStatus.CONFLICT if error.code == "patch.conflict" else PatchStatus.FAILED
        return cls(status, Problem.of(error))


class Safety(StrEnum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    UNCHECKED = "unchecked"  # the check did not run: missing data, never a pass


class TranslationStatus(StrEnum):
    COMPLETE = "complete"
    PARTIAL = "partial"
    FAILED = "failed"


@dataclass(frozen=True)
class TranslationSummary:
    """What the translator made of one component's change; ``operations`` holds one kind per operation."""

    status: TranslationStatus
    lossless: bool = False
    unconverted_hunks: int = 0
    operations: tuple[str, ...] = ()     # "text", "classes", "attrs", "style", "custom_css", "raw", ...
    error: Problem | None = None

    @property
    def op_kinds(self) -> frozenset[str]:
        return frozenset(self.operations)

    @property
    def raw_used(self) -> bool:
        return "raw" in self.op_kinds

    @classmethod
    def from_config(cls, config: SlotConfig, status: TranslationStatus, *, lossless: bool,
                    error: Problem | None = None) -> TranslationSummary:
        """Operations and unconverted hunks counted from the migrated slot config (one layer)."""
        return cls(status, lossless, sum(1 for u in config.unconverted.values() if u is not None),
                   operations_of(config), error)


def operations_of(config: SlotConfig) -> tuple[str, ...]:
    """One kind per operation: each field a slot override sets, each insert, custom_css and raw entry."""
    kinds: list[str] = []
    for override in (o for o in config.slots.values() if o is not None):
        for name in type(override).model_fields:
            value = getattr(override, name)
            if name == "insert" and value:
                kinds += ["insert"] * sum(1 for i in value.values() if i is not None)
            elif value is not None and name != "insert":
                kinds.append(name)
    kinds += ["custom_css"] * sum(1 for c in config.custom_css.values() if c is not None)
    kinds += ["raw"] * sum(1 for r in config.raw.values() if r is not None)
    return tuple(kinds)


@dataclass(frozen=True)
class RenderCost:
    """Measured the same way for old and new: ``RenderMetrics.nodes`` and ``RenderMetrics.layout_cost``."""

    nodes: int
    layout: float


@dataclass(frozen=True)
class CaseEvidence:
    """One render case of one component: a data scenario at a viewport. ``required=False`` never decides."""

    scenario: str
    viewport: str
    required: bool = True
    missing: bool = False                # the case never produced a result (skipped, run cut short)
    old_error: Problem | None = None
    new_error: Problem | None = None
    twin_error: Problem | None = None    # the second legacy render used to measure noise
    noisy: bool = False
    score: float | None = None
    subscores: Mapping[str, float] = field(default_factory=dict)
    noticeable_mismatches: int = 0
    mismatches: tuple[Mismatch, ...] = ()  # the scorer's noticeable mismatches (examples; may be fewer)
    old_cost: RenderCost | None = None
    new_cost: RenderCost | None = None

    @property
    def mismatch_count(self) -> int:
        return max(self.noticeable_mismatches, len(self.mismatches))

    @property
    def valid_score(self) -> float | None:
        """The score when it is a real number in [0, 1]; anything else counts as missing."""
        s = self.score
        return s if s is not None and not math.isnan(s) and 0.0 <= s <= 1.0 else None

    @property
    def measured(self) -> bool:
        """Rendered on every side without error, so the score may be read."""
        errors = (self.old_error, self.new_error, self.twin_error)
        return not self.missing and all(e is None for e in errors) and self.valid_score is not None


@dataclass(frozen=True)
class ComponentEvidence:
    component: str
    base_version: str | None
    patch: PatchEvidence | None = None             # None: the patch step left no record
    safety: Safety = Safety.UNCHECKED
    safety_problem: Problem | None = None
    translation: TranslationSummary | None = None
    scenarios: tuple[str, ...] = ()                # scenarios this component must be rendered in
    cases: tuple[CaseEvidence, ...] = ()

    @property
    def stopped_early(self) -> bool:
        """A stage before rendering failed; later stages' missing data is a consequence, not a reason."""
        patch_failed = self.patch is not None and self.patch.status in (PatchStatus.FAILED, PatchStatus.CONFLICT)
        translation_failed = self.translation is not None and self.translation.status is TranslationStatus.FAILED
        return patch_failed or self.safety is Safety.UNSAFE or translation_failed


@dataclass(frozen=True)
class UserEvidence:
    user_id: str
    load_problems: tuple[LoadProblem, ...] = ()
    components: tuple[ComponentEvidence, ...] = ()
