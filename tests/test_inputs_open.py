"""open_source picks the source by the form of its argument."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import InputError
from harness.inputs import FolderSource, JsonlSource, SqlSource, open_source


@pytest.mark.parametrize(("name", "kind"), [
    ("fleet.jsonl", JsonlSource), ("fleet.NDJSON", JsonlSource), ("fleet.sqlite", SqlSource),
    ("fleet.db", SqlSource), ("fleet.sqlite3", SqlSource),
])
def test_files_by_suffix(name: str, kind: type, tmp_path: Path) -> None:
    (tmp_path / name).write_bytes(b"")
    assert isinstance(open_source(tmp_path / name), kind)
    assert isinstance(open_source(str(tmp_path / name)), kind)


def test_directory_and_urls(tmp_path: Path) -> None:
    assert isinstance(open_source(tmp_path), FolderSource)
    assert isinstance(open_source(f"sqlite:///{tmp_path}/x.db"), SqlSource)
    assert isinstance(open_source("postgresql+psycopg://u@localhost/fleet"), SqlSource)


@pytest.mark.parametrize(("spec", "code"), [
    ("fleet.csv", "input.unknown_source"),
    ("missing.jsonl", "input.not_found"),
    ("missing.db", "input.not_found"),
    ("bogus://host/db", "input.bad_url"),
    ("://nothing", "input.bad_url"),
])
def test_what_cannot_be_opened(spec: str, code: str, tmp_path: Path) -> None:
    (tmp_path / "fleet.csv").write_text("user_id,diff\n")
    target = spec if "://" in spec else str(tmp_path / spec)
    with pytest.raises(InputError) as caught:
        open_source(target)
    assert caught.value.code == code
    assert caught.value.fix
