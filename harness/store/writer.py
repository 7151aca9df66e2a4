"""Writing a run's results store. Only the controller process writes (xdist workers never do).

    store = StoreWriter.create(run_dir)
    store.start(info, resume=False)        # a fresh run (clears users) or a resumed one (keeps them)
    store.put(result, from_cache=False)    # one transaction per user: what finished survives a kill
    store.finish("complete")               # or "interrupted" / "failed"
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from harness.errors import StoreError, Where
from harness.runner.result import Document, UserResult
from harness.store.entries import StoredEntry, pack_document
from harness.store.reader import StoreReader
from harness.store.schema import connect, store_path
from harness.store.values import RunInfo, RunStatus, now


class StoreWriter(StoreReader):
    @classmethod
    def create(cls, run_dir: Path | str) -> StoreWriter:
        path = store_path(run_dir)
        return cls(connect(path, create=True), path)

    def _write(self, what: str, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            for sql, args in statements:
                self._db.execute(sql, args)
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(f"{what} could not be written to the results store: {exc}",
                             where=Where(path=str(self.path)), fix="check free disk space and permissions",
                             code="store.write") from None

    # --- run -----------------------------------------------------------------------------------------

    def start(self, info: RunInfo, *, resume: bool = False) -> RunInfo:
        """Record the run's metadata. Without ``resume`` every stored user is dropped first."""
        statements: list[tuple[str, tuple[Any, ...]]] = []
        if not resume:
            statements += [("DELETE FROM users", ()), ("DELETE FROM fingerprints", ()),
                           ("DELETE FROM documents", ()), ("DELETE FROM screenshots", ())]
        statements.append(_meta_statement(info))
        self._write("the run metadata", statements)
        return info

    def update_run(self, **changes: Any) -> RunInfo:
        info = self.run().with_(**changes)
        self._write("the run metadata", [_meta_statement(info)])
        return info

    def finish(self, status: RunStatus, **changes: Any) -> RunInfo:
        totals = {**self.counts(), "cached": self.cached_count()}
        return self.update_run(status=status, finished_at=now(), totals=totals, **changes)

    # --- users ---------------------------------------------------------------------------------------

    def put(self, result: UserResult, *, from_cache: bool = False) -> None:
        """Store one user (replacing an earlier result of the same user) and its documents, atomically."""
        self.put_entry(StoredEntry.of(result), from_cache=from_cache)

    def put_entry(self, entry: StoredEntry, *, from_cache: bool = False) -> None:
        """:meth:`put` for a result kept as bytes (a cache hit): nothing is decoded or compressed again."""
        statements: list[tuple[str, tuple[Any, ...]]] = [
            ("DELETE FROM fingerprints WHERE user_id = ?", (entry.user_id,)),
            ("INSERT OR REPLACE INTO users (user_id, status, rule, headline, reasons, lowest_score, complexity, "
             "components, input_key, from_cache, result, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             (*entry.summary(), int(from_cache), entry.blob, now())),
        ]
        statements += [("INSERT OR IGNORE INTO fingerprints (fingerprint, user_id, component, scenario, viewport, "
                        "kind, selector, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row) for row in entry.fingerprints()]
        statements += [("INSERT OR IGNORE INTO documents (digest, data) VALUES (?, ?)", (digest, blob))
                       for digest, blob in sorted(entry.documents.items())]
        statements += [("INSERT OR IGNORE INTO screenshots (digest, data) VALUES (?, ?)", (digest, png))
                       for digest, png in sorted(entry.images.items())]
        self._write(f"the result of user {entry.user_id}", statements)

    def put_documents(self, documents: dict[str, Document]) -> None:
        self._write("documents", [("INSERT OR IGNORE INTO documents (digest, data) VALUES (?, ?)",
                                   (k, pack_document(d))) for k, d in sorted(documents.items())])


def _meta_statement(info: RunInfo) -> tuple[str, tuple[Any, ...]]:
    return ("INSERT OR REPLACE INTO meta (key, value) VALUES ('run', ?)", (json.dumps(info.to_dict()),))


