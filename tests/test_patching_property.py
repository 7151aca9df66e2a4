"""Property tests: random edits of template-like text, diffed by difflib, applied by the engine.

The text mixes what breaks naive patchers: CRLF files, files without a final newline, U+2028/U+2029 and
other characters ``splitlines`` treats as line breaks, lines that look like diff syntax, and many
repeated lines (``{% endif %}``, ``</div>``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.errors import PatchError, Where
from harness.patching import PatchConflict, PatchOutcome, apply_customization, merge_file
from tests.test_patching_apply import make_diff

T = "template.html.j2"
WHERE = Where(user="u-prop", component="product-card")
POOL = (
    '<div class="product-card">', "</div>", "  {% endif %}", "  {% endif %}", "  {% if product.available %}",
    '    <span class="price">{{ product.price | money }}</span>', "", "  ", "{# note #}",
    "    <img src=\"{{ product.image | img_url('400x') }}\" alt=\"{{ product.title | escape }}\">",
    "line\u2028with a line separator", "para\u2029graph", "-- ", "--- a/template.html.j2", "+++ b/x",
    "@@ -1 +1 @@", "\\ No newline at end of file", " leading space", "\ttab", "mid\rcarriage",
    "caf\u00e9 \u20ac", "\x0bvt\x0cff\x1cfs", "\x85next line", "{% for v in product.variants %}",
)
PREFIX_POOL = tuple(f"{{# release note {n} #}}" for n in range(6))  # never in POOL


@dataclass(frozen=True)
class Text:
    lines: tuple[str, ...]
    crlf: tuple[bool, ...]
    final_newline: bool

    def render(self) -> bytes:
        out = []
        for index, (line, crlf) in enumerate(zip(self.lines, self.crlf, strict=True)):
            last = index == len(self.lines) - 1
            ending = "" if last and not self.final_newline else ("\r\n" if crlf else "\n")
            out.append(line + ending)
        return "".join(out).encode()


@st.composite
def texts(draw: st.DrawFn, *, style: str | None = None, min_size: int = 1) -> Text:
    lines = tuple(draw(st.lists(st.sampled_from(POOL), min_size=min_size, max_size=30)))
    chosen = style or draw(st.sampled_from(["lf", "crlf", "mixed"]))
    if chosen == "mixed":
        crlf = tuple(draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines))))
    else:
        crlf = (chosen == "crlf",) * len(lines)
    return Text(lines, crlf, draw(st.booleans()))


@st.composite
def edited(draw: st.DrawFn, text: Text) -> Text:
    lines, crlf = list(text.lines), list(text.crlf)
    default = crlf[0] if crlf else False
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        position = draw(st.integers(0, len(lines)))
        if kind == "insert" or not lines or position == len(lines):
            lines.insert(position, draw(st.sampled_from(POOL)))
            crlf.insert(position, default)
        elif kind == "delete":
            del lines[position], crlf[position]
        else:
            lines[position] = draw(st.sampled_from(POOL))
    final = text.final_newline if draw(st.booleans()) else not text.final_newline
    return Text(tuple(lines), tuple(crlf), final)


@st.composite
def cases(draw: st.DrawFn, style: str | None = None) -> tuple[bytes, bytes, int]:
    base = draw(texts(style=style))
    after = draw(edited(base))
    return base.render(), after.render(), draw(st.integers(1, 3))


def _ending_of(data: bytes) -> str:
    """The ending of the first terminated line (the prefix must not change the file's ending style)."""
    first = data.split(b"\n", 1)[0]
    return "\r\n" if first.endswith(b"\r") else "\n"


def attempt(diff: bytes, versions: dict[str, dict[str, bytes]], current: str,
            base: str) -> PatchOutcome | PatchError:
    """The outcome, or the refusal as a value (properties allow some refusals)."""
    try:
        return apply_customization(diff, versions=versions, current=current, base_version=base, where=WHERE)
    except PatchError as error:
        return error


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cases())
def test_apply_is_byte_exact(case: tuple[bytes, bytes, int]) -> None:
    old, new, context = case
    if old == new:
        return
    diff = make_diff(T, old, new, context=context)
    outcome = apply_customization(diff, versions={"1": {T: old}}, current="1", base_version="1", where=WHERE)
    assert outcome.patched_files[T] == new
    assert outcome.events == ()
    assert outcome.effective_diff == diff


@SETTINGS
@given(cases(), st.lists(st.sampled_from(PREFIX_POOL), min_size=1, max_size=4))
def test_shifted_file_gets_offsets_of_the_true_shift_or_a_refusal(case: tuple[bytes, bytes, int],
                                                                   prefix_lines: list[str]) -> None:
    old, new, context = case
    if old == new:
        return
    prefix = "".join(line + _ending_of(old if b"\n" in old else new) for line in prefix_lines).encode()
    diff = make_diff(T, old, new, context=context)
    outcome = attempt(diff, {"1": {T: prefix + old}}, "1", "1")
    if isinstance(outcome, PatchError):
        # no_context: the base was empty, so its diff has no context to find the shifted place by
        assert outcome.code in ("patch.ambiguous", "patch.context_mismatch", "patch.no_context"), str(outcome)
        return
    # a hunk may still match at its stated line by coincidence (periodic text); every hunk that moved
    # moved by exactly the true shift, because the true place always matches and a move needs uniqueness
    offsets = outcome.events_of("offset")
    assert len(offsets) == len(outcome.events)
    assert all(event.lines == len(prefix_lines) for event in offsets)
    hunks = diff.count(b"\n@@ ") + diff.startswith(b"@@ ")
    if len(offsets) == hunks:
        assert outcome.patched_files[T] == prefix + new


@SETTINGS
@given(cases(style="lf"))
def test_lf_diff_on_crlf_file_is_converted(case: tuple[bytes, bytes, int]) -> None:
    old, new, context = case
    if old == new or b"\n" not in old or b"\n" not in new:
        return
    diff = make_diff(T, old, new, context=context)
    crlf_old = old.replace(b"\n", b"\r\n")
    outcome = apply_customization(diff, versions={"1": {T: crlf_old}}, current="1", base_version="1",
                                  where=WHERE)
    assert outcome.patched_files[T] == new.replace(b"\n", b"\r\n")
    assert [event.kind for event in outcome.events] == ["line_endings"]


@SETTINGS
@given(cases(), st.lists(st.sampled_from(PREFIX_POOL), min_size=1, max_size=3))
def test_rebase_onto_a_version_that_appended_lines(case: tuple[bytes, bytes, int], added: list[str]) -> None:
    old, new, context = case
    if old == new or not old.endswith(b"\n"):
        return
    ending = "\r\n" if old.endswith(b"\r\n") else "\n"
    tail = "".join(line + ending for line in added).encode()
    diff = make_diff(T, old, new, context=context)
    outcome = attempt(diff, {"1": {T: old}, "2": {T: old + tail}}, "2", "1")
    if isinstance(outcome, PatchError):
        assert isinstance(outcome, PatchConflict), str(outcome)
        assert outcome.conflicts
        assert all(region.file == T for region in outcome.conflicts)
        return
    assert outcome.patched_files[T] == new + tail
    assert outcome.events_of("rebased")
    again = apply_customization(outcome.effective_diff, versions={"2": {T: old + tail}}, current="2",
                                base_version="2", where=WHERE)
    assert again.patched_files[T] == new + tail
    assert again.events == ()


MERGE_POOL = [line.encode() + b"\n" for line in POOL[:9]]


@st.composite
def merge_triples(draw: st.DrawFn) -> tuple[bytes, bytes, bytes]:
    base = draw(st.lists(st.sampled_from(MERGE_POOL), min_size=1, max_size=25))

    def edit() -> bytes:
        lines = list(base)
        for _ in range(draw(st.integers(1, 3))):
            position = draw(st.integers(0, len(lines)))
            kind = draw(st.sampled_from(["insert", "delete", "replace"]))
            if kind == "insert" or position == len(lines):
                lines.insert(position, draw(st.sampled_from(MERGE_POOL)))
            elif kind == "delete":
                del lines[position]
            else:
                lines[position] = draw(st.sampled_from(MERGE_POOL))
        return b"".join(lines)

    return b"".join(base), edit(), edit()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(merge_triples())
def test_when_git_and_we_both_merge_cleanly_the_bytes_agree(triple: tuple[bytes, bytes, bytes]) -> None:
    """git merge-file is the reference. A shortest diff of repetitive lines is not unique, so the two can
    still disagree on *whether* a merge is clean (git has its own slider heuristics; we refuse merges
    that depend on the alignment, see harness/patching/merge.py); when both are clean, they must agree."""
    ancestor, current, patched = triple
    ours = merge_file(T, ancestor=ancestor, current=current, patched=patched)
    with tempfile.TemporaryDirectory() as directory:
        for name, data in (("current", current), ("ancestor", ancestor), ("patched", patched)):
            Path(directory, name).write_bytes(data)
        git = subprocess.run(["git", "merge-file", "-p", "current", "ancestor", "patched"], cwd=directory,
                             capture_output=True, check=False)
    if git.returncode == 0 and not ours.conflicts:
        assert ours.merged == git.stdout
