"""Combine the translators' outcomes into one slot config, validated against the pack's declarations.

1. **raw replacements win their slot**: a slot replaced by its edited source already holds every change
   inside it, so the operations on it and on the slots inside it are dropped (the changes are reported
   as kept in that replacement). A replacement that would carry an unconverted change (a script) is
   itself refused: its changes become unconverted too.
2. **merge**: maps merge key by key, class lists as sets; two changes that set one value differently
   are a conflict and the later one is unconverted (``translate.conflict``).
3. **validate** (``load_config`` with the declarations): every error is traced back to the operations at
   its path, whose changes become unconverted with the validator's reason; repeat until valid. Nothing
   invalid reaches the config, and nothing raises.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from harness.slots.config import SCHEMA_ID
from harness.slots.validate import load_config
from translators.base import Op, Outcome
from translators.changes import AnyChange, Change
from translators.context import Context

MERGED_MAPS = frozenset({"attrs", "style", "settings", "insert"})


@dataclass(frozen=True)
class Entry:
    """One change, the translator that took it, and its outcome."""

    change: AnyChange
    translator: str
    outcome: Outcome
    covered_by: str | None = None  # the slot whose raw replacement holds this change


class Conflict(Exception):
    pass


def assemble(entries: Sequence[Entry], ctx: Context) -> tuple[dict[str, Any], tuple[Entry, ...]]:
    """The config data (without ``unconverted``) and the entries as finally expressed."""
    current = _subsume(list(entries), ctx)
    for _ in range(len(current) + 1):
        data, current = _merge(current, ctx)
        check = load_config(data, ctx.registry.declarations, versions=ctx.registry.versions)
        if check.ok:
            return data, tuple(current)
        current = _refuse(current, [(e.where.path or "", e.message, e.code) for e in check.errors])
    raise AssertionError("validation did not converge")  # pragma: no cover - each round removes operations


def _unconverted(entry: Entry, code: str, reason: str) -> Entry:
    return replace(entry, outcome=Outcome.unconverted(code, reason), covered_by=None)


# --- raw replacements --------------------------------------------------------------------------------

def _replaced(entry: Entry) -> list[tuple[str, str]]:
    return [(op.value["slot"], op.value["source"]) for op in entry.outcome.ops
            if op.op == "raw" and op.value["position"] == "replace"]


def _subsume(entries: list[Entry], ctx: Context) -> list[Entry]:
    blocked = _blocked_slots(entries, ctx)
    for i, entry in enumerate(entries):
        hit = [slot for slot, _ in _replaced(entry) if slot in blocked]
        if hit:
            entries[i] = _unconverted(entry, "translate.blocked_slot", (
                f"{entry.change.summary}: slot {hit[0]!r} also holds a change that cannot be migrated "
                f"({blocked[hit[0]]}), so its template code cannot be kept for review either"))
    chosen: dict[str, str] = {}
    reasons: dict[str, list[str]] = {}
    for i, entry in enumerate(entries):
        for slot, source in _replaced(entry):
            best = chosen.get(slot, source)
            longer, shorter = (best, source) if len(best) >= len(source) else (source, best)
            if shorter not in longer:
                entries[i] = _unconverted(entry, "translate.conflict", f"{entry.change.summary}: slot {slot!r} "
                                          "would need two different replacements")
                break
            chosen[slot] = longer
            reason = next(op.value["reason"] for op in entry.outcome.ops if op.op == "raw" and op.value["slot"] == slot)
            if reason not in reasons.setdefault(slot, []):
                reasons[slot].append(reason)
    merged = {slot: (source, "; ".join(reasons[slot])) for slot, source in chosen.items()}
    return [_cover(entry, merged, ctx) for entry in entries]


def _blocked_slots(entries: list[Entry], ctx: Context) -> dict[str, str]:
    """Slots that contain an unconverted change: their edited source must not be kept as raw."""
    blocked: dict[str, str] = {}
    for entry in entries:
        if entry.outcome.kind == "unconverted" and isinstance(entry.change, Change):
            for slot in ctx.slots.slots:
                if entry.change.where[:len(ctx.slot_path(slot))] == ctx.slot_path(slot):
                    blocked.setdefault(slot, entry.outcome.reason)
    return blocked


def _cover(entry: Entry, chosen: dict[str, tuple[str, str]], ctx: Context) -> Entry:
    kept: list[Op] = []
    covering: str | None = None
    for op in entry.outcome.ops:
        by = _covering(op, chosen, ctx)
        if by is None:
            kept.append(op)
        else:
            covering = by
    if covering is None:
        return replace(entry, outcome=replace(entry.outcome, ops=tuple(_with_chosen(op, chosen) for op in kept)))
    if kept:
        return replace(entry, outcome=replace(entry.outcome, ops=tuple(kept)))
    return replace(entry, outcome=Outcome("raw", (), f"kept in the template code that replaces slot {covering!r} "
                                          "(for review)", "translate.raw"), covered_by=covering)


def _covering(op: Op, chosen: dict[str, tuple[str, str]], ctx: Context) -> str | None:
    """The replaced slot whose new source already holds what ``op`` would do, if any."""
    if op.op == "custom_css":
        return None
    target = op.value["slot"] if op.op == "raw" else op.slot
    assert target is not None
    path = ctx.slot_path(target)
    for slot in chosen:
        spath = ctx.slot_path(slot)
        if path[:len(spath)] != spath:
            continue
        if path != spath:
            return slot
        if op.op == "raw" and op.value["position"] == "replace":
            continue
        if op.op != "raw" or op.value["position"] in ("prepend", "append"):
            return slot
    return None


def _with_chosen(op: Op, chosen: dict[str, tuple[str, str]]) -> Op:
    """A replacement of a slot several changes replace: the one source that holds them all, every reason."""
    if op.op == "raw" and op.value["position"] == "replace" and op.value["slot"] in chosen:
        source, reason = chosen[op.value["slot"]]
        return replace(op, value={**op.value, "source": source, "reason": reason})
    return op


# --- merging -------------------------------------------------------------------------------------------

def _merge(entries: list[Entry], ctx: Context) -> tuple[dict[str, Any], list[Entry]]:
    data: dict[str, Any] = {"schema": SCHEMA_ID, "component": ctx.pack.name, "version": ctx.version, "slots": {},
                            "custom_css": {}, "raw": {}}
    out = []
    for entry in entries:
        trial = copy.deepcopy(data)
        try:
            for op in entry.outcome.ops:
                _put(trial, op)
        except Conflict as exc:
            out.append(_unconverted(entry, "translate.conflict", f"{entry.change.summary}: {exc}"))
            continue
        data = trial
        out.append(entry)
    data["custom_css"] = dict(sorted(data["custom_css"].items()))
    for key in ("slots", "custom_css", "raw"):
        if not data[key]:
            del data[key]
    return data, out


def _put(data: dict[str, Any], op: Op) -> None:
    if op.op in ("custom_css", "raw"):
        _set(data[op.op], str(op.key), op.value, op.path)
        return
    slot = data["slots"].setdefault(op.slot, {})
    if op.op == "classes":
        current = slot.setdefault("classes", {"add": [], "remove": []})
        current["add"] = sorted(set(current["add"]) | set(op.value["add"]))
        current["remove"] = sorted(set(current["remove"]) | set(op.value["remove"]))
        if set(current["add"]) & set(current["remove"]):
            raise Conflict(f"another change removes a class this one adds on slot {op.slot!r}")
    elif op.op in MERGED_MAPS:
        target = slot.setdefault(op.op, {})
        for key, value in op.value.items():
            _set(target, key, value, f"{op.path}.{key}")
    else:
        _set(slot, op.op, op.value, op.path)


def _set(target: dict[str, Any], key: str, value: Any, path: str) -> None:
    if key in target and target[key] != value:
        raise Conflict(f"another change already sets {path} to a different value")
    target[key] = value


def _refuse(entries: list[Entry], errors: list[tuple[str, str, str]]) -> list[Entry]:
    """Turn the entries whose operations the validator refused into unconverted ones."""
    out = []
    hit_any = False
    for entry in entries:
        problem = next(((message, code) for path, message, code in errors for op in entry.outcome.ops
                        if _related(op.path, path)), None)
        if problem is None:
            out.append(entry)
            continue
        hit_any = True
        out.append(_unconverted(entry, problem[1], f"{entry.change.summary}: the slot config refuses it: {problem[0]}"))
    if not hit_any:  # an error no operation explains: refuse every operation rather than emit an invalid config
        message, code = errors[0][1], errors[0][2]
        out = [_unconverted(e, code, f"{e.change.summary}: the slot config refuses it: {message}")
               if e.outcome.ops else e for e in out]
    return out


def _related(op_path: str, error_path: str) -> bool:
    return error_path == op_path or error_path.startswith(op_path + ".") or op_path.startswith(error_path + ".")


__all__ = ["Entry", "assemble"]
