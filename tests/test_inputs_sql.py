"""SQL source on SQLite: tables written by hand (TEXT diffs, JSON meta), bad rows, bad tables, URLs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from harness.errors import InputError
from harness.inputs import open_source, write_sql
from harness.inputs.sql import parse_url
from harness.model import Customization, LoadProblem

DDL = ("CREATE TABLE customizations (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, component TEXT NOT NULL, "
       "base_version TEXT NULL, diff TEXT NOT NULL, meta TEXT NULL)")


def database(tmp_path: Path, rows: list[tuple[object, ...]], ddl: str = DDL) -> Path:
    path = tmp_path / "fleet.db"
    with sqlite3.connect(path) as connection:
        connection.execute(ddl)
        if rows:
            connection.executemany("INSERT INTO customizations (user_id, component, base_version, diff, meta) "
                                   "VALUES (?, ?, ?, ?, ?)", rows)
    connection.close()
    return path


def test_hand_made_table_with_text_diffs_and_blob_rows(tmp_path: Path) -> None:
    path = database(tmp_path, [("u2", "card", None, "--- a/x\r\n", '{"plan": "pro"}'),
                               ("u1", "card", "1.0", b"caf\xe9\n", None)])
    first, second = open_source(path).records()
    assert isinstance(first, Customization)
    assert isinstance(second, Customization)
    assert (first.case_id, first.diff, first.meta, first.source) == ("u1/card", b"caf\xe9\n", {},
                                                                      "customizations row 2")
    assert (second.diff, second.meta, second.base_version) == (b"--- a/x\r\n", {"plan": "pro"}, None)


BAD_ROWS = {
    # SQLite turns numbers into text in TEXT columns, but keeps BLOBs as they are
    "user_id_blob": ((b"u2", "card", None, "d", None), "input.bad_type", "<customizations row 2>"),
    "unsafe_component": (("u2", "../card", None, "d", None), "input.unsafe_name", "u2"),
    "meta_not_json": (("u2", "card", None, "d", "{plan"), "input.bad_meta", "u2"),
    "meta_not_object": (("u2", "card", None, "d", "[1]"), "input.bad_meta", "u2"),
    "base_version_blank": (("u2", "card", " ", "d", None), "input.bad_type", "u2"),
    "diff_null_in_untyped_table": (("u2", "card", None, None, None), "input.bad_type", "u2"),
}


@pytest.mark.parametrize("name", list(BAD_ROWS))
def test_bad_row_is_a_problem(name: str, tmp_path: Path) -> None:
    row, code, user = BAD_ROWS[name]
    ddl = DDL.replace("diff TEXT NOT NULL", "diff") if row[3] is None else DDL
    records = open_source(database(tmp_path, [("u1", "card", None, "d", None), row], ddl)).records()
    customizations = [r for r in records if isinstance(r, Customization)]
    (problem,) = [r for r in records if isinstance(r, LoadProblem)]
    assert [c.case_id for c in customizations] == ["u1/card"]
    assert (problem.code, problem.user_id, problem.source) == (code, user, "customizations row 2")


def test_duplicate_rows_keep_the_first(tmp_path: Path) -> None:
    records = open_source(database(tmp_path, [("u1", "card", None, "one", None),
                                              ("u1", "card", None, "two", None)])).records()
    first, duplicate = records
    assert isinstance(first, Customization)
    assert first.diff == b"one"
    assert isinstance(duplicate, LoadProblem)
    assert "customizations row 1" in duplicate.message


def test_empty_table_is_one_problem(tmp_path: Path) -> None:
    (problem,) = open_source(database(tmp_path, [])).records()
    assert isinstance(problem, LoadProblem)
    assert problem.code == "input.empty"


@pytest.mark.parametrize(("ddl", "table", "message"), [
    (DDL, "other", "does not exist"),
    (DDL.replace(", meta TEXT NULL", ""), "customizations", "lacks the column(s) meta"),
], ids=["missing_table", "missing_column"])
def test_bad_table_is_an_input_error(ddl: str, table: str, message: str, tmp_path: Path) -> None:
    path = database(tmp_path, [], ddl)
    with pytest.raises(InputError) as caught:
        open_source(path, table=table).records()
    assert caught.value.code == "input.bad_table"
    assert message in caught.value.message


def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        open_source(f"sqlite:///{tmp_path / 'nope.db'}").records()
    assert caught.value.code == "input.not_found"
    assert not (tmp_path / "nope.db").exists()


def test_reading_never_writes(tmp_path: Path) -> None:
    path = database(tmp_path, [("u1", "card", None, "d", None)])
    before = path.read_bytes()
    open_source(path).records()
    assert path.read_bytes() == before


def test_table_names_are_identifiers_only() -> None:
    with pytest.raises(InputError) as caught:
        open_source("sqlite:///x.db", table="customizations; DROP TABLE x")
    assert caught.value.code == "input.bad_table"


def test_postgres_urls_use_psycopg_and_hide_passwords() -> None:
    assert parse_url("postgresql://u:secret@db/fleet").drivername == "postgresql+psycopg"
    assert parse_url("postgres://u@db/fleet").drivername == "postgresql+psycopg"
    assert "secret" not in open_source("postgresql://u:secret@db/fleet").describe()


def test_write_sql_refuses_an_existing_table_unless_replacing(tmp_path: Path) -> None:
    record = Customization("u1", "card", None, b"d", {})
    url = f"sqlite:///{tmp_path / 'out.db'}"
    assert write_sql([record], url) == 1
    with pytest.raises(InputError) as caught:
        write_sql([record], url)
    assert caught.value.code == "input.not_empty"
    assert write_sql([record, Customization("u2", "card", None, b"e", {})], url, replace=True) == 2
    assert len(open_source(url).records()) == 2
