"""Apply one customization to a component's current version: parse, find the base, apply, rebase.

Pure: the versions come in as ``version -> relative path -> bytes`` (ordered oldest to newest) and the
outcome goes out as a frozen :class:`PatchOutcome`. Every refusal is a :class:`PatchError` with a stable
``code`` (a merge conflict is the subclass :class:`PatchConflict`); callers turn it into a per-user result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from harness.errors import PackError, PatchError, Where
from harness.patching.apply import AppliedFile, apply_file
from harness.patching.emit import unified_diff
from harness.patching.lines import git_blob_sha1
from harness.patching.merge import merge_file
from harness.patching.parse import DEFAULT_MAX_BYTES, parse_diff
from harness.patching.values import ConflictRegion, ParsedDiff, PatchConflict, PatchEvent, PatchOutcome

Versions = Mapping[str, Mapping[str, bytes]]
MIN_INDEX_PREFIX = 7  # git abbreviates blob ids to at least 7 hex digits; shorter ones collide too easily


def apply_customization(diff: bytes, *, versions: Versions, current: str, base_version: str | None,
                        where: Where, max_bytes: int = DEFAULT_MAX_BYTES) -> PatchOutcome:
    """Apply ``diff`` (made against ``base_version``, or an identified one when None) onto ``current``."""
    if current not in versions:
        raise PackError(f"the current version {current!r} is not among the pack's versions "
                        f"({', '.join(versions)})", where=where, fix="fix pack.toml", code="pack.invalid")
    parsed = parse_diff(diff, where=where, max_bytes=max_bytes)
    events: list[PatchEvent] = []
    if base_version is None:
        base_version, identified = identify_base(parsed, versions, where=where)
        events.append(identified)
    else:
        _check_version(base_version, versions, where)
        events.extend(_index_mismatches(parsed, versions[base_version], base_version))
    at = Where(version=base_version).merged(where)
    applied = _apply_all(parsed, versions[base_version], at)
    for result in applied.values():
        events.extend(result.events)
    current_files = versions[current]
    if base_version == current:
        patched = {path: result.after for path, result in applied.items()}
    else:
        patched = _rebase(applied, current_files, base_version, current, Where(version=current).merged(where))
        events.append(PatchEvent("rebased", f"the diff was made against {base_version} and merged onto "
                                 f"{current} without conflicts ({', '.join(sorted(patched))})",
                                 version=base_version))
    return _outcome(diff, base_version, current, current_files, patched, events)


def identify_base(parsed: ParsedDiff, versions: Versions, *, where: Where) -> tuple[str, PatchEvent]:
    """The version a diff without a recorded base was made against, and the event saying how we know.

    First by the ``index <old>..<new>`` lines (git blob ids of the files before the change); if several
    versions share those blobs the newest wins (it needs the least rebasing). Without usable index lines:
    the newest version the diff applies to exactly (every hunk at its stated line, no conversion).
    """
    by_index = _versions_by_index(parsed, versions)
    if by_index:
        chosen = by_index[-1]
        blobs = ", ".join(f"{f.path} {f.index[0]}" for f in parsed.files if f.index)
        return chosen, PatchEvent("identified_base", f"the record has no base version; the diff's index "
                                  f"lines ({blobs}) match {_listing(by_index)}; using {chosen}",
                                  version=chosen)
    exact = [version for version, files in versions.items() if _applies_exactly(parsed, files, where)]
    if not exact:
        raise PatchError("the record has no base version and the diff applies exactly to none of the "
                         f"versions {', '.join(versions)}", where=where,
                         fix="record the version the diff was made against (base_version)",
                         code="patch.no_base")
    chosen = exact[-1]
    return chosen, PatchEvent("identified_base", f"the record has no base version; the diff applies "
                              f"exactly to {_listing(exact)}; using {chosen}", version=chosen)


def _listing(versions: Sequence[str]) -> str:
    return f"version {versions[0]}" if len(versions) == 1 else f"versions {', '.join(versions)}"


def _versions_by_index(parsed: ParsedDiff, versions: Versions) -> list[str]:
    indexed = [f for f in parsed.files if f.index and len(f.index[0]) >= MIN_INDEX_PREFIX]
    if not indexed:
        return []
    return [version for version, files in versions.items()
            if all(f.path in files and git_blob_sha1(files[f.path]).startswith(f.index[0])
                   for f in indexed if f.index)]


def _applies_exactly(parsed: ParsedDiff, files: Mapping[str, bytes], where: Where) -> bool:
    if any(f.path not in files for f in parsed.files):
        return False
    try:
        for patch in parsed.files:
            apply_file(patch, files[patch.path], where=where, exact_only=True)
    except PatchError:
        return False
    return True


def _index_mismatches(parsed: ParsedDiff, files: Mapping[str, bytes], version: str) -> list[PatchEvent]:
    events = []
    for patch in parsed.files:
        if patch.index and len(patch.index[0]) >= MIN_INDEX_PREFIX and patch.path in files:
            actual = git_blob_sha1(files[patch.path])
            if not actual.startswith(patch.index[0]):
                events.append(PatchEvent(
                    "index_mismatch", f"the diff says it was made against blob {patch.index[0]} of "
                    f"{patch.path}, but version {version} has blob {actual[:12]}: the recorded base "
                    "version may be wrong", file=patch.path, version=version))
    return events


def _check_version(version: str, versions: Versions, where: Where) -> None:
    if version not in versions:
        raise PatchError(f"the record's base version {version!r} is not a released version of the "
                         f"component (known: {', '.join(versions)})", where=Where(version=version).merged(where),
                         fix="correct base_version in the record, or leave it empty to identify it",
                         code="patch.unknown_version")


def _apply_all(parsed: ParsedDiff, files: Mapping[str, bytes], where: Where) -> dict[str, AppliedFile]:
    applied = {}
    for patch in parsed.files:
        if patch.path not in files:
            raise PatchError(f"the diff patches {patch.path}, which version {where.version} of the "
                             f"component does not have (it has {', '.join(sorted(files))})",
                             where=Where(file=patch.path).merged(where),
                             fix="check the component and base version of the record",
                             code="patch.unknown_file")
        applied[patch.path] = apply_file(patch, files[patch.path], where=where)
    return applied


def _rebase(applied: Mapping[str, AppliedFile], current_files: Mapping[str, bytes], base_version: str,
            current: str, where: Where) -> dict[str, bytes]:
    patched: dict[str, bytes] = {}
    conflicts: list[ConflictRegion] = []
    for path, result in applied.items():
        if path not in current_files:
            raise PatchError(f"the diff patches {path}, which the current version {current} no longer has",
                             where=Where(file=path).merged(where), fix="review this customization by hand",
                             code="patch.unknown_file")
        merged = merge_file(path, ancestor=result.before, current=current_files[path], patched=result.after)
        conflicts.extend(merged.conflicts)
        if merged.merged is not None:
            patched[path] = merged.merged
    if conflicts:
        regions = "; ".join(c.describe(base_version, current) for c in conflicts)
        raise PatchConflict(
            f"the diff applies to {base_version} but conflicts with the changes {current} made: {regions}",
            conflicts=tuple(conflicts), where=Where(file=conflicts[0].file).merged(where),
            fix=f"redo the customization on {current}, or review it by hand")
    return patched


def _outcome(diff: bytes, base_version: str, current: str, current_files: Mapping[str, bytes],
             patched: Mapping[str, bytes], events: Sequence[PatchEvent]) -> PatchOutcome:
    after = dict(current_files)
    after.update(patched)
    changed = tuple(path for path in current_files if after[path] != current_files[path])
    placed_exactly = base_version == current and not any(
        e.kind in ("offset", "line_endings") for e in events)
    effective = diff if placed_exactly else unified_diff(current_files, after, changed)
    return PatchOutcome(base_version=base_version, target_version=current,
                        base_files=MappingProxyType(dict(current_files)), patched_files=MappingProxyType(after),
                        changed_files=changed, events=tuple(events), effective_diff=effective)
