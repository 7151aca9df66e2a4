"""The translation report: every hunk → the changes it made → the operations, or the reason there are none.

Status (issue 4):

- ``failed``: a hunk is unconverted (no slot config can hold it) or a translator failed;
- ``partial``: everything is expressed, but some of it as ``raw`` template code or operations that need a
  review, or verification found a scenario that renders differently;
- ``complete``: every hunk is expressed by regular operations and every scenario renders the same.

``lossless``: every change is in the config (nothing unconverted) and no scenario renders differently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.slots import SlotConfig
from translators.base import OutcomeKind
from translators.verify import ScenarioCheck

Status = Literal["complete", "partial", "failed"]
MARKS: dict[str, str] = {"ops": "ok", "review": "review", "raw": "raw", "unconverted": "UNCONVERTED",
                         "no_op": "no change"}
_SEVERITY: dict[str, int] = {"no_op": 0, "ops": 1, "review": 2, "raw": 2, "unconverted": 3}


@dataclass(frozen=True)
class ChangeReport:
    kind: str
    summary: str
    slot: str | None
    lines: str
    outcome: OutcomeKind
    translator: str
    ops: tuple[dict[str, Any], ...] = ()
    reason: str = ""
    code: str = ""
    covered_by: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "summary": self.summary, "slot": self.slot, "lines": self.lines,
                                "outcome": self.outcome, "translator": self.translator, "ops": list(self.ops)}
        if self.reason:
            data["reason"] = self.reason
        if self.code:
            data["code"] = self.code
        if self.covered_by:
            data["covered_by"] = self.covered_by
        return data


@dataclass(frozen=True)
class HunkReport:
    file: str
    number: int
    header: str
    old_range: str
    text: str
    changes: tuple[ChangeReport, ...]

    @property
    def outcome(self) -> OutcomeKind:
        if not self.changes:
            return "no_op"
        return max((c.outcome for c in self.changes), key=lambda kind: _SEVERITY[kind])

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "hunk": self.number, "header": self.header, "old_range": self.old_range,
                "outcome": self.outcome, "text": self.text, "changes": [c.as_dict() for c in self.changes]}


@dataclass(frozen=True)
class TranslationReport:
    component: str
    user: str | None
    base_version: str | None
    target_version: str | None
    status: Status
    lossless: bool
    op_kinds: tuple[str, ...] = ()
    hunks: tuple[HunkReport, ...] = ()
    verification: tuple[ScenarioCheck, ...] = ()
    events: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    code: str | None = None  # set when the translation could not start (patch failed, bad encoding, ...)

    @property
    def rebased(self) -> bool:
        return self.base_version is not None and self.base_version != self.target_version

    @property
    def changes(self) -> tuple[ChangeReport, ...]:
        seen: dict[int, ChangeReport] = {}
        for hunk in self.hunks:
            for change in hunk.changes:
                seen.setdefault(id(change), change)
        return tuple(seen.values())

    def reasons(self) -> tuple[str, ...]:
        """Why the translation is not complete, one line each (for summaries)."""
        lines = list(self.problems)
        for hunk in self.hunks:
            for change in hunk.changes:
                if change.outcome in ("unconverted", "review", "raw") and change.covered_by is None:
                    lines.append(f"{hunk.file} hunk {hunk.number}: {change.reason}")
        lines += [f"scenario {c.scenario}: {c.problem}" for c in self.verification if not c.ok]
        return tuple(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "component": self.component, "user": self.user, "base_version": self.base_version,
            "target_version": self.target_version, "rebased": self.rebased, "status": self.status,
            "lossless": self.lossless, "op_kinds": list(self.op_kinds), "code": self.code,
            "problems": list(self.problems), "events": list(self.events),
            "hunks": [h.as_dict() for h in self.hunks],
            "verification": [c.as_dict() for c in self.verification],
        }


@dataclass(frozen=True)
class Translation:
    config: SlotConfig
    report: TranslationReport = field(compare=False)


def render_text(report: TranslationReport, config: SlotConfig | None = None) -> str:
    """The report for people: per hunk, its changes with their operations or reasons; then the config."""
    out = [_headline(report)]
    out += [f"  note: {event}" for event in report.events]
    out += [f"  problem: {problem}" for problem in report.problems]
    for hunk in report.hunks:
        out.append("")
        out.append(f"{hunk.file} hunk {hunk.number} {hunk.header} ({hunk.old_range} of the base) "
                   f"[{MARKS[hunk.outcome]}]")
        if not hunk.changes:
            out.append("  whitespace or formatting only")
        for change in hunk.changes:
            slot = f"slot {change.slot}, " if change.slot else ""
            out.append(f"  [{MARKS[change.outcome]}] {change.summary} ({slot}{change.lines})")
            out += [f"      -> {_op_text(op)}" for op in change.ops]
            if change.reason:
                out.append(f"      why: {change.reason}" + (f" [{change.code}]" if change.code else ""))
    if report.verification:
        ok = sum(1 for check in report.verification if check.ok)
        out += ["", f"verification: {ok} of {len(report.verification)} scenarios render the same"]
        if report.status == "failed" and ok < len(report.verification):
            out.append("  (expected: the unconverted changes are not in the config)")
        for check in report.verification:
            if not check.ok:
                out.append(f"  {check.scenario}: {check.problem}")
                if check.legacy or check.new:
                    out += [f"      legacy:   {check.legacy}", f"      migrated: {check.new}"]
    if config is not None:
        out += ["", "slot config:", json.dumps(config.to_json(), indent=2, sort_keys=False)]
    return "\n".join(out) + "\n"


def _headline(report: TranslationReport) -> str:
    who = f" for user {report.user}" if report.user else ""
    base = f"diff against {report.base_version}" if report.base_version else "diff"
    target = f", rebased onto {report.target_version}" if report.rebased else ""
    kinds = ", ".join(report.op_kinds) or "none"
    lossless = "lossless" if report.lossless else "not lossless"
    hunks = f"\nthe hunks below are those of the diff rebased onto {report.target_version}" if report.rebased else ""
    return (f"{report.component}{who}: {base}{target}\n"
            f"status: {report.status} ({lossless}); operations: {kinds}{hunks}")


def _op_text(op: dict[str, Any]) -> str:
    where = f"slots.{op['slot']}.{op['op']}" if "slot" in op else f"{op['op']}.{op.get('id')}"
    value = json.dumps(op["value"], ensure_ascii=False)
    return f"{where} = {value if len(value) <= 160 else value[:157] + '...'}"


__all__ = ["ChangeReport", "HunkReport", "Status", "Translation", "TranslationReport", "render_text"]
