"""The patch engine on small synthetic version sets: parsing details, strict placement, offsets, line
endings, base identification and rebasing (checked against ``git merge-file`` where git exists)."""

from __future__ import annotations

import difflib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.errors import PatchError, Where
from harness.patching import (
    PatchConflict,
    apply_customization,
    apply_to_pack,
    git_blob_sha1,
    merge_file,
    parse_diff,
    split_lines,
    unified_diff,
)

WHERE = Where(user="u1", component="product-card")
T = "template.html.j2"
CARD = (b"<div class=\"card\">\n"
        b"  {% if product.image %}\n"
        b"    <img src=\"{{ product.image | img_url }}\" alt=\"{{ product.title }}\">\n"
        b"  {% endif %}\n"
        b"  <h3>{{ product.title }}</h3>\n"
        b"  {% if product.vendor %}\n"
        b"    <p class=\"vendor\">{{ product.vendor }}</p>\n"
        b"  {% endif %}\n"
        b"  <span class=\"price\">{{ product.price | money }}</span>\n"
        b"</div>\n")


def make_diff(path: str, old: bytes, new: bytes, *, context: int = 3, index: bool = False) -> bytes:
    """A diff as an independent tool writes it: difflib, plus the no-newline markers difflib omits."""
    old_lines = [line.decode("utf-8", "surrogateescape") for line in split_lines(old)]
    new_lines = [line.decode("utf-8", "surrogateescape") for line in split_lines(new)]
    out = []
    if index:
        out.append(f"diff --git a/{path} b/{path}\nindex {git_blob_sha1(old)[:7]}..{git_blob_sha1(new)[:7]} 100644\n")
    for line in difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}", n=context):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out).encode("utf-8", "surrogateescape")


def apply(diff: bytes, versions: dict[str, dict[str, bytes]], current: str, base: str | None = None):  # type: ignore[no-untyped-def]
    return apply_customization(diff, versions=versions, current=current, base_version=base, where=WHERE)


# --- parsing ---------------------------------------------------------------------------------------

def test_parse_keeps_crlf_no_newline_state_and_u2028() -> None:
    old = "a\r\nline with \u2028 inside\nlast".encode()
    new = "a\r\nline with \u2028 inside!\nlast".encode()
    parsed = parse_diff(make_diff(T, old, new, index=True), where=WHERE)
    (patch,) = parsed.files
    (hunk,) = patch.hunks
    assert [line.text for line in hunk.lines] == [b"a\r\n", "line with \u2028 inside\n".encode(),
                                                  "line with \u2028 inside!\n".encode(), b"last"]
    assert [line.op for line in hunk.lines] == [" ", "-", "+", " "]
    assert patch.index == (git_blob_sha1(old)[:7], git_blob_sha1(new)[:7])
    assert (hunk.old_start, hunk.old_len, hunk.new_start, hunk.new_len) == (1, 3, 1, 3)


def test_parse_accepts_git_signature_trailing_blank_lines_and_stripped_empty_context() -> None:
    diff = (b"From 1234 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] vendor\n\n---\n"
            b"diff --git a/t.html b/t.html\n--- a/t.html\n+++ b/t.html\n@@ -1,3 +1,3 @@ {% block card %}\n"
            b" a\n\n-b\n+c\n-- \n2.39.5\n\n")
    (patch,) = parse_diff(diff, where=WHERE).files
    assert patch.hunks[0].header == "{% block card %}"
    assert patch.hunks[0].old_lines == (b"a\n", b"\n", b"b\n")
    assert patch.hunks[0].new_lines == (b"a\n", b"\n", b"c\n")


def test_parse_unquotes_git_quoted_paths() -> None:
    diff = (b'--- "a/caf\\303\\251.html"\n+++ "b/caf\\303\\251.html"\n@@ -1 +1 @@\n-a\n+b\n')
    assert parse_diff(diff, where=WHERE).paths == ("caf\u00e9.html",)


def test_non_utf8_outside_hunks_is_harmless() -> None:
    diff = b"Subject: caf\xe9\n" + make_diff(T, b"a\nb\n", b"a\nc\n")
    assert parse_diff(diff, where=WHERE).paths == (T,)


# --- strict application ----------------------------------------------------------------------------

def test_exact_apply_keeps_the_user_diff_as_effective_diff() -> None:
    new = CARD.replace(b"<h3>", b"<h2>").replace(b"</h3>", b"</h2>")
    diff = make_diff(T, CARD, new)
    outcome = apply(diff, {"1": {T: CARD, "styles.css": b"a{}\n"}}, "1", "1")
    assert outcome.patched_files[T] == new
    assert outcome.base_files[T] == CARD
    assert outcome.patched_files["styles.css"] == b"a{}\n"
    assert outcome.changed_files == (T,)
    assert outcome.events == ()
    assert outcome.effective_diff == diff


def test_offset_is_applied_only_when_unique_and_recorded() -> None:
    new = CARD.replace(b"class=\"vendor\"", b"class=\"vendor muted\"")
    diff = make_diff(T, CARD, new)
    shifted = b"{# header #}\n{# second #}\n" + CARD
    outcome = apply(diff, {"2": {T: shifted}}, "2", "2")
    assert outcome.patched_files[T] == b"{# header #}\n{# second #}\n" + new
    (event,) = outcome.events_of("offset")
    assert (event.file, event.hunk, event.lines) == (T, 1, 2)
    assert "2 lines later" in event.message
    reapplied = apply(outcome.effective_diff, {"2": {T: shifted}}, "2", "2")
    assert reapplied.events == ()
    assert reapplied.patched_files[T] == outcome.patched_files[T]


def test_offset_refused_when_context_repeats() -> None:
    block = b"  {% endif %}\n</div>\n<div>\n"
    base = b"<div>\n" + block + block + b"  {% endif %}\n</div>\n"
    edited = base.replace(b"<div>\n", b"<div class=\"x\">\n", 1)
    diff = make_diff(T, edited, edited.replace(b"</div>\n<div>\n  {% endif %}", b"</div>\n<section>\n  {% endif %}", 1),
                     context=1)
    with pytest.raises(PatchError) as caught:
        apply(diff, {"1": {T: b"{# moved #}\n" + edited}}, "1", "1")
    assert caught.value.code == "patch.ambiguous"
    assert "several places" in caught.value.message


def test_removing_and_adding_the_final_newline() -> None:
    with_nl, without = b"a\nb\nc\n", b"a\nb\nc"
    assert apply(make_diff(T, with_nl, without), {"1": {T: with_nl}}, "1", "1").patched_files[T] == without
    assert apply(make_diff(T, without, with_nl), {"1": {T: without}}, "1", "1").patched_files[T] == with_nl
    with pytest.raises(PatchError) as caught:  # the diff expects a final newline the file lacks
        apply(make_diff(T, with_nl, b"a\nB\nc\n"), {"1": {T: without}}, "1", "1")
    assert caught.value.code == "patch.context_mismatch"
    assert "newline at the end of the file" in caught.value.message


def test_crlf_file_with_crlf_diff_applies_exactly() -> None:
    crlf = CARD.replace(b"\n", b"\r\n")
    new = crlf.replace(b"<h3>", b"<h4>")
    outcome = apply(make_diff(T, crlf, new), {"1": {T: crlf}}, "1", "1")
    assert outcome.patched_files[T] == new
    assert outcome.events == ()


def test_lf_diff_on_crlf_file_is_converted_and_recorded() -> None:
    crlf = CARD.replace(b"\n", b"\r\n")
    diff = make_diff(T, CARD, CARD.replace(b"<h3>", b"<h4>"))
    outcome = apply(diff, {"1": {T: crlf}}, "1", "1")
    assert outcome.patched_files[T] == crlf.replace(b"<h3>", b"<h4>")
    (event,) = outcome.events
    assert event.kind == "line_endings"
    assert "LF" in event.message
    assert "CRLF" in event.message
    assert outcome.effective_diff != diff
    assert apply(outcome.effective_diff, {"1": {T: crlf}}, "1", "1").events == ()


def test_multi_file_diff() -> None:
    css = b".card { gap: 8px; }\n.price { color: #c00; }\n"
    files = {T: CARD, "styles.css": css}
    diff = make_diff(T, CARD, CARD.replace(b"<h3>", b"<h2>")) + make_diff("styles.css", css, css.replace(b"8px", b"4px"))
    outcome = apply(diff, {"1": files}, "1", "1")
    assert outcome.changed_files == (T, "styles.css")
    assert outcome.patched_files["styles.css"] == css.replace(b"8px", b"4px")


def test_error_where_names_version_file_hunk_and_line() -> None:
    bad = make_diff(T, CARD, CARD.replace(b"<h3>", b"<h2>")).replace(b"   {% if product.vendor", b"   {% if product.brand")
    with pytest.raises(PatchError) as caught:
        apply(bad, {"1": {T: CARD}}, "1", "1")
    assert caught.value.where == Where(user="u1", component="product-card", version="1", file=T, hunk=1, line=2)
    assert "context line 5 of the hunk" in caught.value.message
    assert "line 6 of the file" in caught.value.message


# --- base identification ---------------------------------------------------------------------------

VERSIONS = {
    "1.0": {T: CARD},
    "1.1": {T: CARD},  # same blob as 1.0
    "2.0": {T: b"{# v2 #}\n" + CARD.replace(b"<h3>", b"<h3 class=\"title\">")},
}


def test_base_identified_from_index_lines_prefers_the_newest_identical_version() -> None:
    diff = make_diff(T, CARD, CARD.replace(b"money", b"money_with_currency"), index=True)
    outcome = apply(diff, VERSIONS, "2.0")
    (identified, rebased) = outcome.events
    assert identified.kind == "identified_base"
    assert identified.version == "1.1"
    assert "index" in identified.message
    assert "1.0, 1.1" in identified.message
    assert rebased.kind == "rebased"
    assert outcome.base_version == "1.1"
    assert b"money_with_currency" in outcome.patched_files[T]
    assert b"{# v2 #}" in outcome.patched_files[T]


def test_base_identified_as_the_newest_version_the_diff_applies_to_exactly() -> None:
    v2 = VERSIONS["2.0"][T]
    diff = make_diff(T, v2, v2.replace(b"money", b"money_with_currency"))
    outcome = apply(diff, VERSIONS, "2.0")
    (identified,) = outcome.events
    assert identified.version == "2.0"
    assert "exactly" in identified.message
    assert outcome.effective_diff == diff


def test_index_naming_an_unknown_blob_falls_back_to_exact_application() -> None:
    diff = make_diff(T, CARD, CARD.replace(b"money", b"cents"), index=True).replace(
        git_blob_sha1(CARD)[:7].encode(), b"deadbee")
    outcome = apply(diff, VERSIONS, "2.0")
    assert outcome.events[0].version == "1.1"
    assert "exactly" in outcome.events[0].message


def test_recorded_base_that_contradicts_the_index_is_flagged() -> None:
    v2 = VERSIONS["2.0"][T]
    diff = make_diff(T, CARD, CARD.replace(b"money", b"cents"), index=True)
    outcome = apply(diff, {"2.0": {T: v2}}, "2.0", "2.0")  # applies with an offset, but the blob differs
    kinds = [event.kind for event in outcome.events]
    assert kinds == ["index_mismatch", "offset"]


# --- rebase ----------------------------------------------------------------------------------------

def test_rebase_clean_merges_onto_current_and_regenerates_the_diff() -> None:
    diff = make_diff(T, CARD, CARD.replace(b"class=\"vendor\"", b"class=\"vendor small\""))
    outcome = apply(diff, VERSIONS, "2.0", "1.0")
    expected = VERSIONS["2.0"][T].replace(b"class=\"vendor\"", b"class=\"vendor small\"")
    assert outcome.patched_files[T] == expected
    assert outcome.base_files[T] == VERSIONS["2.0"][T]
    assert outcome.rebased
    assert outcome.events_of("rebased")[0].version == "1.0"
    again = apply(outcome.effective_diff, {"2.0": VERSIONS["2.0"]}, "2.0", "2.0")
    assert again.patched_files[T] == expected
    assert again.events == ()


def test_rebase_conflict_lists_regions_with_line_numbers() -> None:
    diff = make_diff(T, CARD, CARD.replace(b"<h3>", b"<h3 class=\"big\">"))
    with pytest.raises(PatchConflict) as caught:
        apply(diff, VERSIONS, "2.0", "1.0")
    conflict = caught.value
    assert conflict.code == "patch.conflict"
    (region,) = conflict.conflicts
    assert (region.file, region.base_lines, region.patched_lines, region.current_lines) == (T, (5, 5), (5, 5), (6, 6))
    assert "line 5 of 1.0" in conflict.message
    assert "now line 6" in conflict.message
    assert conflict.as_dict()["conflicts"] == [
        {"file": T, "base_lines": [5, 5], "current_lines": [6, 6], "patched_lines": [5, 5], "ambiguous": False}]


MERGE_CASES = {
    "one_side_each": (b"a\nb\nc\nd\ne\nf\ng\n", b"A\nb\nc\nd\ne\nf\ng\n", b"a\nb\nc\nd\ne\nf\nG\n"),
    "same_change": (b"a\nb\nc\n", b"a\nB\nc\n", b"a\nB\nc\n"),
    "overlap": (b"a\nb\nc\n", b"a\nX\nc\n", b"a\nY\nc\n"),
    "adjacent": (b"a\nb\nc\nd\n", b"a\nB\nc\nd\n", b"a\nb\nC\nd\n"),
    "insert_vs_edit": (b"a\nb\nc\nd\ne\n", b"a\nb\nc\nd\ne\nf\n", b"a\nB\nc\nd\ne\n"),
    "repeated_lines": (b"x\n}\n}\ny\n}\nz\n", b"x\n}\n}\ny\n}\nz\nw\n", b"x\n}\n}\nY\n}\nz\n"),
}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("name", list(MERGE_CASES))
def test_merge_agrees_with_git_merge_file(name: str, tmp_path: Path) -> None:
    ancestor, current, patched = MERGE_CASES[name]
    for file_name, data in (("current", current), ("ancestor", ancestor), ("patched", patched)):
        (tmp_path / file_name).write_bytes(data)
    git = subprocess.run(["git", "merge-file", "-p", "current", "ancestor", "patched"], cwd=tmp_path,
                         capture_output=True, check=False)
    ours = merge_file(T, ancestor=ancestor, current=current, patched=patched)
    assert bool(ours.conflicts) == (git.returncode != 0)
    if not ours.conflicts:
        assert ours.merged == git.stdout


# --- the pack adapter ------------------------------------------------------------------------------

@dataclass(frozen=True)
class FakeVersion:
    files: dict[str, bytes]


@dataclass(frozen=True)
class FakePack:
    name: str
    current: str
    versions: dict[str, FakeVersion]


def test_apply_to_pack_fills_the_component_and_uses_the_pack_order() -> None:
    pack = FakePack("product-card", "2.0", {v: FakeVersion(files) for v, files in VERSIONS.items()})
    clean = make_diff(T, CARD, CARD.replace(b"money", b"cents"))
    outcome = apply_to_pack(clean, pack=pack, base_version=None, where=Where(user="u9"))
    assert outcome.base_version == "1.1"
    assert outcome.target_version == "2.0"
    conflicting = make_diff(T, CARD, CARD.replace(b"<h3>", b"<h3 class=\"big\">"))
    with pytest.raises(PatchConflict) as caught:
        apply_to_pack(conflicting, pack=pack, base_version="1.0", where=Where(user="u9"))
    assert caught.value.where.component == "product-card"
    assert caught.value.where.user == "u9"


# --- the regenerated diff --------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_emitted_diff_is_minimal_and_git_applies_it(tmp_path: Path) -> None:
    old = CARD * 30 + b"last line without newline"
    new = old.replace(b"<h3>", b"<h2>", 1).replace(b"without newline", b"still without newline")
    diff = unified_diff({T: old}, {T: new}, [T])
    assert diff.count(b"\n@@ ") == 2
    assert diff.count(b"\n-") + diff.count(b"\n+") == 6  # two changed lines, and the ---/+++ headers
    assert diff.endswith(b"\n\\ No newline at end of file\n")
    (tmp_path / T).write_bytes(old)
    (tmp_path / "change.diff").write_bytes(diff)
    done = subprocess.run(["git", "apply", "change.diff"], cwd=tmp_path, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / T).read_bytes() == new
