"""Reading a run's results store (the API the reports, ``phoenix gate`` and ``phoenix report`` use).

    with StoreReader.open(run_dir) as store:
        info = store.run()                                # RunInfo: source, settings, status, totals
        for row in store.users(status="review"):         # UserRow, user-id order
            result = store.user(row.user_id)              # the full UserResult (documents not loaded)
            old = store.document(result.components[0].cases[0].old_document)   # Document(html, css)
        top = store.fingerprints(min_users=2)             # FingerprintCount, most users first

Readers never write and may read while a run is writing (WAL).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Self

from harness.errors import StoreError, Where
from harness.runner.result import STATUSES, Document, UserResult
from harness.store.schema import connect, store_path, unpack, unpack_json
from harness.store.values import FingerprintCount, FingerprintHit, RunInfo, UserRow

_ROW = ("user_id, status, rule, headline, reasons, lowest_score, complexity, components, input_key, "
        "from_cache")


class StoreReader:
    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, run_dir: Path | str) -> StoreReader:
        path = store_path(run_dir)
        return cls(connect(path, create=False), path)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @property
    def run_dir(self) -> Path:
        return self.path.parent

    # --- run -----------------------------------------------------------------------------------------

    def run(self) -> RunInfo:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'run'").fetchone()
        if row is None:
            raise StoreError("the results store holds no run metadata", where=Where(path=str(self.path)),
                             fix="the run never started: run `phoenix run` again", code="store.no_run")
        return RunInfo.from_dict(json.loads(row[0]))

    def counts(self) -> dict[str, int]:
        """Users per status (every status present, 0 when none)."""
        found = dict(self._db.execute("SELECT status, COUNT(*) FROM users GROUP BY status").fetchall())
        return {status: int(found.get(status, 0)) for status in STATUSES}

    def cached_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM users WHERE from_cache = 1").fetchone()[0])

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM users").fetchone()[0])

    # --- users ---------------------------------------------------------------------------------------

    def users(self, status: str | None = None) -> Iterator[UserRow]:
        query = f"SELECT {_ROW} FROM users"
        args: tuple[str, ...] = ()
        if status is not None:
            query, args = query + " WHERE status = ?", (status,)
        for row in self._db.execute(query + " ORDER BY user_id", args):
            yield UserRow(row[0], row[1], row[2], row[3], tuple(json.loads(row[4])), row[5], row[6],
                          tuple(json.loads(row[7])), row[8], bool(row[9]))

    def user_ids(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT user_id FROM users ORDER BY user_id")]

    def stored_keys(self) -> dict[str, str]:
        """user id → input key of every stored user that did not end in a harness error."""
        rows = self._db.execute("SELECT user_id, input_key FROM users WHERE status != 'error'")
        return {str(user): str(key) for user, key in rows.fetchall()}

    def statuses(self) -> dict[str, str]:
        """user id → status of every stored user."""
        return {str(u): str(s) for u, s in self._db.execute("SELECT user_id, status FROM users").fetchall()}

    def user(self, user_id: str) -> UserResult:
        row = self._db.execute("SELECT result FROM users WHERE user_id = ?", (user_id,)).fetchone()
        if row is None:
            raise StoreError(f"user {user_id} is not in this run", where=Where(user=user_id, path=str(self.path)),
                             fix="check the user id, or whether the run selected that user", code="store.no_user")
        return UserResult.from_json(unpack(row[0]))

    def results(self, *, with_documents: bool = False) -> Iterator[UserResult]:
        """Every stored result in user-id order (documents attached only when asked: they are large)."""
        for (blob,) in self._db.execute("SELECT result FROM users ORDER BY user_id"):
            result = UserResult.from_json(unpack(blob))
            yield self.attach_documents(result) if with_documents else result

    def results_json(self) -> Iterator[tuple[bytes, UserResult]]:
        """:meth:`results` with each result's stored JSON (what a report cache keys pages by)."""
        for (blob,) in self._db.execute("SELECT result FROM users ORDER BY user_id"):
            raw = unpack(blob)
            yield raw, UserResult.from_json(raw)

    def attach_documents(self, result: UserResult) -> UserResult:
        """The result with its documents and its screenshots (what a report shows)."""
        documents = {key: self.document(key) for key in sorted(result.document_keys())}
        return result.with_documents(documents).with_images({k: self.image(k) for k in sorted(result.image_keys())})

    def image(self, digest: str) -> bytes:
        """A screenshot's PNG by its SHA-256."""
        row = self._db.execute("SELECT data FROM screenshots WHERE digest = ?", (digest,)).fetchone()
        if row is None:
            raise StoreError(f"screenshot {digest[:12]} is not in this run", where=Where(path=str(self.path)),
                             fix="the store is incomplete; re-run with --resume", code="store.no_screenshot")
        return bytes(row[0])

    def image_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM screenshots").fetchone()[0])

    # --- documents -----------------------------------------------------------------------------------

    def document(self, digest: str) -> Document:
        row = self._db.execute("SELECT data FROM documents WHERE digest = ?", (digest,)).fetchone()
        if row is None:
            raise StoreError(f"document {digest[:12]} is not in this run", where=Where(path=str(self.path)),
                             fix="the store is incomplete; re-run with --resume", code="store.no_document")
        data = unpack_json(row[0])
        return Document(data["html"], data["css"])

    def has_document(self, digest: str) -> bool:
        return self._db.execute("SELECT 1 FROM documents WHERE digest = ?", (digest,)).fetchone() is not None

    def document_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    # --- fingerprints --------------------------------------------------------------------------------

    def fingerprints(self, *, min_users: int = 1, limit: int | None = None) -> list[FingerprintCount]:
        """Noticeable differences grouped across users, the most widespread first."""
        query = ("SELECT fingerprint, COUNT(DISTINCT user_id) AS users, COUNT(*), MIN(kind), MIN(selector), "
                 "MIN(message) FROM fingerprints GROUP BY fingerprint HAVING users >= ? "
                 "ORDER BY users DESC, fingerprint")
        args: tuple[int, ...] = (min_users,)
        if limit is not None:
            query, args = query + " LIMIT ?", (min_users, limit)
        return [FingerprintCount(*row) for row in self._db.execute(query, args)]

    def fingerprint_hits(self, fingerprint: str) -> list[FingerprintHit]:
        rows = self._db.execute("SELECT user_id, component, scenario, viewport, message FROM fingerprints "
                                "WHERE fingerprint = ? ORDER BY user_id, component, scenario, viewport",
                                (fingerprint,))
        return [FingerprintHit(*row) for row in rows]
