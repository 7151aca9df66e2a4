"""JSON Lines: every kind of bad line becomes a LoadProblem for its user and the rest still loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import InputError
from harness.inputs import open_source
from harness.model import Customization, LoadProblem, Record

GOOD = {"user_id": "u1", "component": "product-card", "base_version": "1.0", "diff": "--- a/x\n"}


def load(tmp_path: Path, *lines: str | bytes) -> list[Record]:
    path = tmp_path / "fleet.jsonl"
    path.write_bytes(b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines))
    return open_source(path).records()


def line(**changes: object) -> str:
    record = {**GOOD, **changes}
    return json.dumps({key: value for key, value in record.items() if value is not ...})


BAD_LINES: dict[str, tuple[str | bytes, str, str]] = {
    "not_json": ("{user_id: u2}", "input.not_json", "<fleet.jsonl line 2>"),
    "not_an_object": ("[1, 2]", "input.not_json", "<fleet.jsonl line 2>"),
    "nan": ('{"user_id": "u2", "component": "c", "base_version": null, "diff": "", "meta": {"x": NaN}}',
            "input.not_json", "<fleet.jsonl line 2>"),
    "missing_key": (line(user_id="u2", base_version=...), "input.missing_key", "u2"),
    "extra_key": (line(user_id="u2", owner="bob"), "input.extra_key", "u2"),
    "user_id_number": (line(user_id=17), "input.bad_type", "<fleet.jsonl line 2>"),
    "unsafe_user_id": (line(user_id="../etc"), "input.unsafe_name", "<fleet.jsonl line 2>"),
    "unsafe_component": (line(user_id="u2", component="a/b"), "input.unsafe_name", "u2"),
    "base_version_number": (line(user_id="u2", base_version=3), "input.bad_type", "u2"),
    "base_version_empty": (line(user_id="u2", base_version=""), "input.bad_type", "u2"),
    "diff_null": (line(user_id="u2", diff=None), "input.bad_type", "u2"),
    "meta_list": (line(user_id="u2", meta=[1]), "input.bad_meta", "u2"),
    "meta_views_text": (line(user_id="u2", meta={"views_30d": "many"}), "input.bad_meta", "u2"),
    "meta_views_bool": (line(user_id="u2", meta={"views_30d": True}), "input.bad_meta", "u2"),
    "meta_tags_numbers": (line(user_id="u2", meta={"tags": [1]}), "input.bad_meta", "u2"),
    "duplicate_key": ('{"user_id": "u2", "user_id": "u3", "component": "c", "base_version": null, "diff": ""}',
                      "input.duplicate_key", "<fleet.jsonl line 2>"),
    "latin1_bytes": (b'{"user_id": "u2", "component": "c", "base_version": null, "diff": "caf\xe9"}',
                     "input.encoding", "u2"),
}


@pytest.mark.parametrize("name", list(BAD_LINES))
def test_bad_line_is_a_problem_and_the_run_goes_on(name: str, tmp_path: Path) -> None:
    bad, code, user = BAD_LINES[name]
    records = load(tmp_path, line(user_id="u0"), bad, line(user_id="u9"))
    problems = [r for r in records if isinstance(r, LoadProblem)]
    assert [r.user_id for r in records if isinstance(r, Customization)] == ["u0", "u9"]
    (problem,) = problems
    assert (problem.code, problem.user_id, problem.source) == (code, user, "fleet.jsonl:2")
    assert problem.message
    assert problem.fix


def test_duplicate_keeps_the_first_and_names_its_line(tmp_path: Path) -> None:
    records = load(tmp_path, line(diff="first"), line(user_id="u2"), line(diff="second"))
    first, duplicate, other = records
    assert isinstance(first, Customization)
    assert first.diff == b"first"
    assert first.source == "fleet.jsonl:1"
    assert isinstance(duplicate, LoadProblem)
    assert duplicate.code == "input.duplicate"
    assert duplicate.case_id == "u1/product-card"
    assert "fleet.jsonl:1" in duplicate.message
    assert duplicate.source == "fleet.jsonl:3"
    assert isinstance(other, Customization)
    assert other.user_id == "u2"


def test_empty_file_is_one_problem(tmp_path: Path) -> None:
    (problem,) = load(tmp_path, "", "   ")
    assert isinstance(problem, LoadProblem)
    assert (problem.code, problem.user_id) == ("input.empty", "<fleet.jsonl>")


def test_blank_lines_bom_crlf_and_optional_meta(tmp_path: Path) -> None:
    path = tmp_path / "fleet.ndjson"
    path.write_bytes(b"\xef\xbb\xbf" + line().encode() + b"\r\n\r\n" + line(user_id="u0", meta={"plan": "pro"}).encode())
    first, second = open_source(path).records()
    assert isinstance(first, Customization)
    assert first.user_id == "u0"
    assert first.meta == {"plan": "pro"}
    assert isinstance(second, Customization)
    assert second.meta == {}
    assert second.source == "fleet.ndjson:1"


def test_escaped_surrogates_become_the_original_bytes(tmp_path: Path) -> None:
    (record,) = load(tmp_path, line(diff="caf\udce9\n"))
    assert isinstance(record, Customization)
    assert record.diff == b"caf\xe9\n"


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        open_source(tmp_path / "nope.jsonl")
    assert caught.value.code == "input.not_found"
