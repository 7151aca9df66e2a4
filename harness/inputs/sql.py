"""SQL source through SQLAlchemy Core: the same code for SQLite (the embedded default) and PostgreSQL.

The table (documented in docs/inputs.md)::

    customizations(user_id TEXT NOT NULL, component TEXT NOT NULL, base_version TEXT NULL,
                   diff TEXT or BLOB NOT NULL, meta TEXT NULL)   -- meta holds a JSON object

Columns are selected with the untyped ``table()``/``column()`` constructs, so each value arrives as the
driver gives it: a TEXT diff as ``str`` (surrogate-escaped text), a BLOB/bytea diff as ``bytes``, a json
or jsonb meta as an object. Other columns (an id, timestamps) are ignored. Rows are read in the table's
natural order; of two rows for the same user and component the first read wins.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import (
    Column,
    LargeBinary,
    MetaData,
    Table,
    Text,
    column,
    create_engine,
    event,
    inspect,
    select,
    table,
)
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from harness.errors import InputError, Where
from harness.inputs import DEFAULT_TABLE as DEFAULT_TABLE  # there, so importing the package stays light
from harness.inputs.records import Position, RecordInvalid, build, finish, problem, readable_user
from harness.model import LoadProblem, Record

COLUMNS = ("user_id", "component", "base_version", "diff", "meta")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")


def parse_url(spec: str | Path) -> URL:
    """A SQLAlchemy URL for ``spec``: a path is a SQLite file; ``postgresql://`` means psycopg 3."""
    if isinstance(spec, Path):
        return URL.create("sqlite", database=str(spec))
    try:
        url = make_url(spec)
    except ArgumentError as exc:
        raise InputError(f"{spec!r} is not a database URL: {exc}", where=Where(source=spec),
                         fix="use sqlite:///path/to/file.db or postgresql+psycopg://user@host/db",
                         code="input.bad_url") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    try:
        url.get_dialect()
    except (ArgumentError, ImportError) as exc:
        raise InputError(f"no database driver for {url.drivername!r}: {exc}", where=Where(source=url.drivername),
                         fix="use sqlite:///... or postgresql+psycopg://...", code="input.bad_url") from None
    return url


def split_table(name: str) -> tuple[str | None, str]:
    """``"schema.table"`` → (schema, table); refuses anything but plain identifiers."""
    if not _IDENTIFIER.fullmatch(name):
        raise InputError(f"{name!r} is not a table name", where=Where(source=name),
                         fix="use letters, digits and _ (optionally schema.table)", code="input.bad_table")
    schema, _, bare = name.rpartition(".")
    return schema or None, bare


def customizations_table(metadata: MetaData, name: str = DEFAULT_TABLE) -> Table:
    """The table as the writers create it (diff as BLOB/bytea, so every byte survives)."""
    schema, bare = split_table(name)
    return Table(bare, metadata, Column("user_id", Text, nullable=False),
                 Column("component", Text, nullable=False), Column("base_version", Text, nullable=True),
                 Column("diff", LargeBinary, nullable=False), Column("meta", Text, nullable=True), schema=schema)


class SqlSource:
    """Customizations from a table reachable through a SQLAlchemy URL."""

    def __init__(self, url: URL, table_name: str = DEFAULT_TABLE) -> None:
        self.url = url
        self.table_name = table_name
        self.schema, self.bare = split_table(table_name)

    def describe(self) -> str:
        return f"table {self.table_name} at {self.url.render_as_string(hide_password=True)}"

    def records(self) -> list[Record]:
        engine = create_engine(_read_only(self.url))
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _surrogate_text)
        try:
            with engine.connect() as connection:
                self._check_columns(connection)
                source = table(self.bare, *(column(name) for name in COLUMNS), schema=self.schema)
                rows = connection.execute(select(*source.c)).all()
        except SQLAlchemyError as exc:
            raise InputError(f"cannot read {self.describe()}: {exc.__class__.__name__}: {_first_line(exc)}",
                             where=Where(source=self.describe()), fix="check the URL, the server and the "
                             "credentials", code="input.unreadable") from None
        finally:
            engine.dispose()
        records = [self._row(number, tuple(row)) for number, row in enumerate(rows, 1)]
        if not records:
            return [LoadProblem(user_id=f"<{self.table_name} table>", component=None, source=self.table_name,
                                code="input.empty", message=f"{self.describe()} has no rows",
                                fix="point the harness at the exported customizations")]
        return finish(records)

    def _check_columns(self, connection: Connection) -> None:
        inspector = inspect(connection)
        if not inspector.has_table(self.bare, schema=self.schema):
            raise InputError(f"{self.describe()} does not exist", where=Where(source=self.describe()),
                             fix="create it (see docs/inputs.md) or pass the right --table", code="input.bad_table")
        present = {info["name"] for info in inspector.get_columns(self.bare, schema=self.schema)}
        missing = [name for name in COLUMNS if name not in present]
        if missing:
            raise InputError(f"{self.describe()} lacks the column(s) {', '.join(missing)}",
                             where=Where(source=self.describe()), fix="see docs/inputs.md for the table",
                             code="input.bad_table")

    def _row(self, number: int, row: tuple[Any, ...]) -> Record:
        raw = dict(zip(COLUMNS, row, strict=True))
        position = Position(f"{self.table_name} row {number}", f"<{self.table_name} row {number}>")
        try:
            raw["meta"] = _meta_value(raw["meta"])
        except RecordInvalid as invalid:
            user = readable_user(raw["user_id"])
            return problem(user or position.synthetic, readable_user(raw["component"]), position.source, invalid)
        return build(raw, position)


def _surrogate_text(dbapi_connection: Any, _record: Any) -> None:
    """SQLite keeps whatever bytes a writer put in a TEXT cell; Python's driver refuses to read a table with
    one cell that is not UTF-8. Read such bytes as surrogate escapes instead, as the module doc promises:
    the cell's record becomes a problem for its user (or its diff keeps every byte), not a whole source lost."""
    dbapi_connection.text_factory = lambda data: data.decode("utf-8", "surrogateescape")


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else ""


def _meta_value(value: object) -> object:
    if isinstance(value, bytes | memoryview):
        value = bytes(value).decode("utf-8", "surrogateescape")
    if not isinstance(value, str):
        return value  # None, or an object from a json/jsonb column
    try:
        return json.loads(value)
    except ValueError as exc:
        raise RecordInvalid("input.bad_meta", f"meta is not JSON: {exc}", "store meta as a JSON object or NULL") from None


def _read_only(url: URL) -> URL:
    """SQLite files are opened read-only (a missing file is an error, never silently created)."""
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:") or \
            url.query.get("uri") == "true":
        return url
    path = Path(url.database or "")
    if not path.is_file():
        raise InputError(f"the SQLite database {path} does not exist", where=Where(source=str(path)),
                         fix="check the path", code="input.not_found")
    return url.set(database=f"file:{quote(str(path.resolve()))}", query={"mode": "ro", "uri": "true"})
