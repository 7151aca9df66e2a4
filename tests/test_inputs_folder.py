"""Folder source: layout, meta.json, and every kind of bad entry as a LoadProblem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.inputs import open_source
from harness.model import Customization, LoadProblem, Record

DIFF = b"--- a/template.html.j2\n+++ b/template.html.j2\n@@ -1 +1 @@\n-a\n+b\n"


def tree(root: Path, files: dict[str, bytes | str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def load(root: Path) -> tuple[list[Customization], list[LoadProblem]]:
    records: list[Record] = open_source(root).records()
    return ([r for r in records if isinstance(r, Customization)], [r for r in records if isinstance(r, LoadProblem)])


def test_diffs_and_meta_json(tmp_path: Path) -> None:
    meta = {"product-card": {"base_version": "2.0", "meta": {"plan": "pro", "views_30d": 5}}}
    root = tree(tmp_path / "users", {"u1/product-card.diff": DIFF, "u1/cart.diff": b"x\r\n",
                                     "u1/meta.json": json.dumps(meta), "u2/product-card.diff": DIFF,
                                     ".DS_Store": b"", "u2/.product-card.diff.swp": b""})
    customizations, problems = load(root)
    assert problems == []
    assert [(c.case_id, c.base_version, dict(c.meta), c.source) for c in customizations] == [
        ("u1/cart", None, {}, "u1/cart.diff"),
        ("u1/product-card", "2.0", {"plan": "pro", "views_30d": 5}, "u1/product-card.diff"),
        ("u2/product-card", None, {}, "u2/product-card.diff"),
    ]
    assert customizations[0].diff == b"x\r\n"


BAD_TREES: dict[str, tuple[dict[str, bytes | str], str, str, str | None]] = {
    "stray_root_file": ({"notes.txt": "hi"}, "input.unexpected_file", "<users/notes.txt>", None),
    "unsafe_user_dir": ({"bad user/product-card.diff": DIFF}, "input.unsafe_name", "<users/bad user>", None),
    "stray_user_file": ({"u2/product-card.patch": DIFF}, "input.unexpected_file", "u2", None),
    "unsafe_component": ({"u2/my card.diff": DIFF}, "input.unsafe_name", "u2", None),
    "meta_not_json": ({"u2/product-card.diff": DIFF, "u2/meta.json": "{oops"}, "input.bad_meta", "u2",
                      "product-card"),
    "meta_not_object": ({"u2/product-card.diff": DIFF, "u2/meta.json": "[]"}, "input.bad_meta", "u2",
                        "product-card"),
    "meta_unknown_key": ({"u2/product-card.diff": DIFF, "u2/meta.json": '{"product-card": {"base": "1"}}'},
                         "input.bad_meta", "u2", "product-card"),
    "meta_bad_version": ({"u2/product-card.diff": DIFF,
                          "u2/meta.json": '{"product-card": {"base_version": 2}}'}, "input.bad_meta", "u2",
                         "product-card"),
    "meta_without_diff": ({"u2/meta.json": '{"cart": {"base_version": "1"}}'}, "input.bad_meta", "u2", "cart"),
    "empty_user_dir": ({"u2/.keep": ""}, "input.empty", "u2", None),
}


@pytest.mark.parametrize("name", list(BAD_TREES))
def test_bad_entry_is_a_problem_and_the_rest_loads(name: str, tmp_path: Path) -> None:
    files, code, user, component = BAD_TREES[name]
    root = tree(tmp_path / "users", {"u1/product-card.diff": DIFF, **files})
    customizations, problems = load(root)
    assert [c.case_id for c in customizations] == ["u1/product-card"]
    (problem,) = problems
    assert (problem.code, problem.user_id, problem.component) == (code, user, component)
    assert problem.message
    assert problem.fix


def test_a_diff_that_is_a_directory_is_unreadable(tmp_path: Path) -> None:
    root = tree(tmp_path / "users", {"u1/product-card.diff/inner": b""})
    _, (problem,) = load(root)
    assert (problem.code, problem.case_id) == ("input.unreadable", "u1/product-card")


def test_symbolic_links_are_not_followed(tmp_path: Path) -> None:
    secret = tree(tmp_path, {"secret.diff": DIFF}) / "secret.diff"
    root = tree(tmp_path / "users", {"u1/product-card.diff": DIFF})
    (root / "u1" / "cart.diff").symlink_to(secret)
    (root / "u3").symlink_to(root / "u1")
    customizations, problems = load(root)
    assert [c.case_id for c in customizations] == ["u1/product-card"]
    assert sorted((p.code, p.case_id) for p in problems) == [("input.unreadable", "u1/cart"),
                                                             ("input.unsafe_name", "u3/?")]


def test_a_linked_meta_json_is_not_read(tmp_path: Path) -> None:
    outside = tree(tmp_path, {"elsewhere.json": '{"product-card": {"base_version": "9"}}'}) / "elsewhere.json"
    root = tree(tmp_path / "users", {"u1/product-card.diff": DIFF})
    (root / "u1" / "meta.json").symlink_to(outside)
    customizations, (problem,) = load(root)
    assert customizations == []
    assert (problem.code, problem.case_id) == ("input.bad_meta", "u1/product-card")


def test_empty_root_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "users").mkdir()
    _, (problem,) = load(tmp_path / "users")
    assert (problem.code, problem.user_id) == ("input.empty", "<users/>")
