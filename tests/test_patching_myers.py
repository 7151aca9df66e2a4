"""The Myers matcher: valid, shortest, slid consistently; and merges that depend on the alignment."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.patching import merge_file
from harness.patching.myers import MyersMatcher, UpMyersMatcher, matching_blocks

LINES = st.lists(st.sampled_from([b"<div>\n", b"</div>\n", b"{% endif %}\n", b"x\n", b"\n"]), max_size=30)


def as_tuples(matches: list[difflib.Match]) -> list[tuple[int, int, int]]:
    return [(match.a, match.b, match.size) for match in matches]


def edits(blocks: list[tuple[int, int, int]], a: list[bytes], b: list[bytes]) -> int:
    return len(a) + len(b) - 2 * sum(size for _, _, size in blocks)


def assert_valid(blocks: list[tuple[int, int, int]], a: list[bytes], b: list[bytes]) -> None:
    assert blocks[-1] == (len(a), len(b), 0)
    end_a = end_b = 0
    for i, j, size in blocks[:-1]:
        assert size > 0
        assert i >= end_a
        assert j >= end_b
        assert a[i:i + size] == b[j:j + size]
        end_a, end_b = i + size, j + size


@settings(max_examples=300, deadline=None)
@given(LINES, LINES)
def test_blocks_are_valid_shortest_and_both_slides_agree_on_length(a: list[bytes], b: list[bytes]) -> None:
    down = as_tuples(MyersMatcher(None, a, b).get_matching_blocks())
    up = as_tuples(UpMyersMatcher(None, a, b).get_matching_blocks())
    plain = as_tuples(difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    for blocks in (down, up):
        assert_valid(blocks, a, b)
        assert edits(blocks, a, b) <= edits(plain, a, b)
    assert edits(down, a, b) == edits(up, a, b)
    rebuilt: list[bytes] = []
    for tag, i1, i2, j1, j2 in MyersMatcher(None, a, b).get_opcodes():
        rebuilt.extend(a[i1:i2] if tag == "equal" else b[j1:j2])
    assert rebuilt == b


def test_a_one_line_change_in_repeated_markup_is_one_opcode() -> None:
    card = [b"<div>\n", b"  <h3>{{ t }}</h3>\n", b"</div>\n"] * 12
    edited = list(card)
    edited[16] = b"  <h2>{{ t }}</h2>\n"
    changes = [op for op in MyersMatcher(None, card, edited).get_opcodes() if op[0] != "equal"]
    assert changes == [("replace", 16, 17, 16, 17)]


def test_insertions_slide_down_or_up_among_identical_lines() -> None:
    a, b = [b"a\n", b"</div>\n", b"b\n"], [b"a\n", b"</div>\n", b"</div>\n", b"b\n"]
    assert ("insert", 2, 2, 2, 3) in MyersMatcher(None, a, b).get_opcodes()
    assert ("insert", 1, 1, 1, 2) in UpMyersMatcher(None, a, b).get_opcodes()


def test_past_the_edit_limit_the_matcher_falls_back_and_stays_valid() -> None:
    a = [b"%d\n" % n for n in range(50)]
    b = [b"%d\n" % n for n in range(50, 100)] + a[:3]
    assert matching_blocks(a, b, limit=10) is None
    assert_valid(as_tuples(MyersMatcher(None, a, b).get_matching_blocks()), a, b)


def test_a_merge_that_depends_on_the_alignment_is_an_ambiguous_conflict() -> None:
    ancestor = b"a\n</div>\nb\n"
    current = b"a\nX\n</div>\nb\n"  # the new version inserts X before the </div>
    patched = b"a\n</div>\n</div>\nb\n"  # the user adds a </div>: before or after the existing one?
    result = merge_file("t.html", ancestor=ancestor, current=current, patched=patched)
    assert result.merged is None
    assert result.conflicts
    assert all(region.ambiguous for region in result.conflicts)
    assert "repeated lines" in result.conflicts[0].describe("1.0", "2.0")
