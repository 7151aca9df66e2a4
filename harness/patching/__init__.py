"""The strict patch engine: parse a customization's diff, apply it exactly, rebase it onto the current version.

Pure (bytes and mappings in, frozen values out). See ``docs/inputs.md`` for the rules and error codes.
"""

from harness.patching.apply import AppliedFile, apply_file
from harness.patching.emit import unified_diff
from harness.patching.engine import apply_customization, identify_base
from harness.patching.lines import git_blob_sha1, split_lines
from harness.patching.merge import MergeResult, merge_file
from harness.patching.packs import PackLike, apply_to_pack, pack_versions
from harness.patching.parse import DEFAULT_MAX_BYTES, parse_diff
from harness.patching.values import (
    ConflictRegion,
    DiffLine,
    FilePatch,
    Hunk,
    ParsedDiff,
    PatchConflict,
    PatchEvent,
    PatchOutcome,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "AppliedFile",
    "ConflictRegion",
    "DiffLine",
    "FilePatch",
    "Hunk",
    "MergeResult",
    "PackLike",
    "ParsedDiff",
    "PatchConflict",
    "PatchEvent",
    "PatchOutcome",
    "apply_customization",
    "apply_file",
    "apply_to_pack",
    "git_blob_sha1",
    "identify_base",
    "merge_file",
    "pack_versions",
    "parse_diff",
    "split_lines",
    "unified_diff",
]
