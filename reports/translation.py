"""The translator's report (``translators.report.TranslationReport``, stored as JSON in
``ComponentResult.translation``) as the user report shows it: each hunk of the change → the changes found
in it → the slot operations they became, or why not; then the verification per scenario.

The report is another module's JSON, read defensively: a field that is missing or of another type shows
as absent, never breaks the page, and the whole JSON is always available under the structured view.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from reports.highlight import highlight_code, highlight_json, hunk_anchor

OUTCOME_WORDS = {"ops": "became slot settings", "review": "slot settings, to be reviewed",
                 "raw": "kept as raw template code (always reviewed)", "unconverted": "not converted",
                 "no_op": "nothing to migrate"}
SHORT_VALUE = 160   # op values longer than this (as JSON) are shown as a block


@dataclass(frozen=True)
class OpView:
    path: str            # "slots.title.classes", "raw.rating-replace"
    value: str           # compact JSON when short
    block: Markup | None  # pretty, coloured JSON when long


@dataclass(frozen=True)
class ChangeView:
    kind: str
    summary: str
    slot: str
    lines: str
    outcome: str          # ops | review | raw | unconverted | no_op | "" (not recorded)
    outcome_words: str
    translator: str
    ops: tuple[OpView, ...]
    why: str
    code: str
    covered_by: str


@dataclass(frozen=True)
class HunkView:
    title: str
    header: str
    old_range: str
    outcome: str
    outcome_words: str
    anchor: str          # the hunk's id suffix in the diff tables (reports.highlight.hunk_anchor)
    changes: tuple[ChangeView, ...]


@dataclass(frozen=True)
class CheckView:
    scenario: str
    ok: bool
    problem: str
    legacy: str
    new: str


@dataclass(frozen=True)
class TranslationView:
    present: bool
    status: str
    lossless: bool | None
    op_kinds: tuple[str, ...]
    code: str
    problems: tuple[str, ...]
    events: tuple[str, ...]
    hunks: tuple[HunkView, ...]
    verification: tuple[CheckView, ...]
    raw_json: str | None        # the whole report as JSON, when it holds no hunks to show (another shape)

    @property
    def verified(self) -> int:
        return sum(c.ok for c in self.verification)


def translation_view(report: Mapping[str, Any] | None) -> TranslationView:
    if report is None:
        return TranslationView(False, "", None, (), "", (), (), (), (), None)
    lossless = report.get("lossless")
    hunks = tuple(_hunk(h) for h in _dicts(report.get("hunks")))
    return TranslationView(
        present=True, status=_text(report.get("status")), lossless=lossless if isinstance(lossless, bool) else None,
        op_kinds=_texts(report.get("op_kinds")), code=_text(report.get("code")),
        problems=_texts(report.get("problems")), events=_texts(report.get("events")),
        hunks=hunks,
        verification=tuple(_check(c) for c in _dicts(report.get("verification"))),
        raw_json=json.dumps(report, indent=1, ensure_ascii=False, default=str) if not hunks else None)


def _hunk(data: Mapping[str, Any]) -> HunkView:
    file = _text(data.get("file"))
    number = data.get("number", data.get("hunk"))
    title = " ".join(p for p in (file, f"hunk {number}" if number is not None else "") if p) or "part of the change"
    outcome = _text(data.get("outcome"))
    anchor = hunk_anchor(file, number) if isinstance(number, int) else ""
    return HunkView(title, _text(data.get("header")), _text(data.get("old_range")), outcome,
                    OUTCOME_WORDS.get(outcome, outcome), anchor, tuple(_change(c) for c in _dicts(data.get("changes"))))


def _change(data: Mapping[str, Any]) -> ChangeView:
    outcome = _text(data.get("outcome"))
    return ChangeView(_text(data.get("kind")), _text(data.get("summary")), _text(data.get("slot")),
                      _text(data.get("lines")), outcome, OUTCOME_WORDS.get(outcome, outcome),
                      _text(data.get("translator")), tuple(_op(o) for o in _dicts(data.get("ops"))),
                      _text(data.get("reason")), _text(data.get("code")), _text(data.get("covered_by")))


def _op(data: Mapping[str, Any]) -> OpView:
    op, slot, key = _text(data.get("op")), data.get("slot"), data.get("id", data.get("key"))
    path = f"slots.{slot}.{op}" if slot is not None else f"{op}.{key}" if key is not None else op
    value = data.get("value")
    compact = json.dumps(value, ensure_ascii=False, default=str)
    if op == "custom_css" and isinstance(value, str):
        return OpView(path, compact, highlight_code(value, "css"))
    if op == "raw" and isinstance(value, Mapping) and isinstance(value.get("source"), str):
        rest = {k: v for k, v in value.items() if k not in ("source", "reason")}
        note = ", ".join(f"{k}: {v}" for k, v in rest.items())
        return OpView(f"{path} ({note})" if note else path, compact, highlight_code(value["source"], "html+jinja"))
    return OpView(path, compact, highlight_json(value) if len(compact) > SHORT_VALUE else None)


def _check(data: Mapping[str, Any]) -> CheckView:
    return CheckView(_text(data.get("scenario")), data.get("ok") is True, _text(data.get("problem")),
                     _text(data.get("legacy")), _text(data.get("new")))


def _dicts(value: Any) -> Sequence[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list | tuple) else []


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(_text(v) for v in value) if isinstance(value, list | tuple) else ()


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
