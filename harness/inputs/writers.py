"""Write customizations in each source format (the fleet generator and the tests use these).

Every writer round-trips exactly through its reader: non-UTF-8 diff bytes survive (JSON: as ``\\udcXX``
escapes; folder: raw bytes; SQL: a BLOB/bytea column), CRLF is kept, meta is kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from harness.errors import InputError, Where
from harness.files import replace_atomically
from harness.inputs import DEFAULT_TABLE
from harness.inputs.folder import META_FILE
from harness.inputs.records import safe_name_problem
from harness.model import Customization, diff_text_from_bytes


def write_jsonl(records: Iterable[Customization], path: str | Path) -> int:
    """Write one JSON object per line (atomically: a temporary file renamed over ``path``)."""
    target = Path(path)
    items = _checked(records, target)
    replace_atomically(target, b"".join(_json_line(record) for record in items))
    return len(items)


def _json_line(record: Customization) -> bytes:
    value = {"user_id": record.user_id, "component": record.component, "base_version": record.base_version,
             "diff": diff_text_from_bytes(record.diff), "meta": dict(record.meta)}
    text = json.dumps(value, ensure_ascii=False)
    # lone surrogates (non-UTF-8 diff bytes) only occur inside JSON strings, where "\udcXX" is the escape
    return text.encode("utf-8", "backslashreplace") + b"\n"


def write_folder(records: Iterable[Customization], root: str | Path) -> int:
    """Write ``root/<user>/<component>.diff`` and, where needed, ``root/<user>/meta.json``.

    ``root`` must not exist or be empty: mixing two exports would corrupt both.
    """
    target = Path(root)
    items = _checked(records, target)
    if target.exists() and any(target.iterdir()):
        raise InputError(f"{target} is not empty", where=Where(source=str(target)),
                         fix="write into a new directory", code="input.not_empty")
    metas: dict[str, dict[str, Any]] = {}
    for record in items:
        directory = target / record.user_id
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{record.component}.diff").write_bytes(record.diff)
        metas.setdefault(record.user_id, {})
        if record.base_version is not None or record.meta:
            entry: dict[str, Any] = {"base_version": record.base_version}
            if record.meta:
                entry["meta"] = dict(record.meta)
            metas[record.user_id][record.component] = entry
    for user, entries in metas.items():
        if entries:
            text = json.dumps(entries, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
            (target / user / META_FILE).write_text(text, encoding="utf-8")
    return len(items)


def write_sql(records: Iterable[Customization], url: str | Path, *, table: str = DEFAULT_TABLE,
              replace: bool = False) -> int:
    """Create ``table`` at ``url`` and insert the records. An existing table is an error unless ``replace``."""
    from sqlalchemy import MetaData, create_engine, inspect  # SQLAlchemy only when SQL is written
    from sqlalchemy.exc import SQLAlchemyError

    from harness.inputs.sql import customizations_table, parse_url, split_table

    items = _checked(records, url)
    split_table(table)
    engine = create_engine(parse_url(url))
    metadata = MetaData()
    target = customizations_table(metadata, table)
    try:
        with engine.begin() as connection:
            if inspect(connection).has_table(target.name, schema=target.schema):
                if not replace:
                    raise InputError(f"the table {table} already exists", where=Where(source=table),
                                     fix="pass replace=True or use another table", code="input.not_empty")
                target.drop(connection)
            target.create(connection)
            if items:
                connection.execute(target.insert(), [_row(record) for record in items])
    except SQLAlchemyError as exc:
        raise InputError(f"cannot write {table}: {exc.__class__.__name__}", where=Where(source=table),
                         fix="check the URL, the server and the credentials", code="input.unwritable") from None
    finally:
        engine.dispose()
    return len(items)


def _row(record: Customization) -> dict[str, object]:
    return {"user_id": record.user_id, "component": record.component, "base_version": record.base_version,
            "diff": record.diff, "meta": json.dumps(dict(record.meta), sort_keys=True) if record.meta else None}


def _checked(records: Iterable[Customization], target: object) -> Sequence[Customization]:
    items = list(records)
    seen: set[tuple[str, str]] = set()
    for record in items:
        for kind, value in (("user_id", record.user_id), ("component", record.component)):
            reason = safe_name_problem(kind, value)
            if reason:
                raise InputError(reason, where=Where(user=record.user_id, source=str(target)),
                                 fix="only safe names can be written", code="input.unsafe_name")
        key = (record.user_id, record.component)
        if key in seen:
            raise InputError(f"two records for {record.case_id}", where=Where(user=record.user_id),
                             fix="write one record per user and component", code="input.duplicate")
        seen.add(key)
    return items
