"""``write_reports(run_dir) -> Path``: the HTML reports and the manifests of a run, from its results store
alone (nothing is rendered again).

The fleet engine's ``harness.runner.outputs.write_outputs`` (behind ``phoenix run`` and ``phoenix
report RUN_DIR``) reads the store once and hands every result both to its machine outputs (results.json,
junit.xml, plan.json / plan.csv) and to a :class:`ReportWriter`, whose ``finish()`` then writes the dashboard:
so the dashboard summarises the plan.json that sits beside it and links the machine outputs that exist.

Each user's page and both manifests are written as the results arrive, keeping a small summary per user;
the dashboard is written last (so ``index.html`` never points at pages not yet written). With a
:class:`~reports.pagecache.PageCache`, a page whose inputs were seen before is copied from the cache
instead of rendered (see reports/pagecache.py for what its key covers).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from harness.runner.result import UserResult
from harness.store import StoreReader
from reports.fleet import MAX_FINGERPRINTS, UserSummary, fleet_view, summarize_user
from reports.manifest import ManifestWriter
from reports.pagecache import PageCache, encode_page, fill_frame, page_key
from reports.pages import dashboard_page, thresholds_of, user_frame
from reports.paths import INDEX_FILE, USERS_DIR, user_file_names, write_bytes, write_text

PLAN_FILE = "plan.json"
# Pages are written by a few threads: creating 1,250 files is system calls (the GIL is released), and was a
# fifth of a warm run. At most MAX_PENDING pages wait in memory.
WRITER_THREADS = 2
MAX_PENDING = 64
# Files other writers put in the run directory, linked from the dashboard when present.
MACHINE_OUTPUTS = (("results.json", "results.json"), ("junit.xml", "JUnit XML"), ("plan.csv", "plan.csv"))


def write_reports(store: StoreReader | Path | str, directory: Path | str | None = None, *,
                  page_cache: PageCache | None = None) -> Path:
    """Write ``index.html``, ``users/<name>.html``, ``manifest.json`` and ``manifest.csv`` into
    ``directory`` (default: the store's run directory); returns the path of ``index.html``.

    ``store`` is an open :class:`StoreReader` (left open) or a run directory (opened and closed here).
    """
    if isinstance(store, StoreReader):
        return _write(store, Path(directory) if directory is not None else store.run_dir, page_cache)
    with StoreReader.open(store) as opened:
        return _write(opened, Path(directory) if directory is not None else opened.run_dir, page_cache)


def _write(store: StoreReader, directory: Path, page_cache: PageCache | None) -> Path:
    with ReportWriter(store, directory, page_cache=page_cache) as writer:
        for raw, result in store.results_json():
            writer.add(raw, result)
        return writer.finish()


class ReportWriter:
    """The HTML reports and manifests of one run, fed one stored result at a time (in user-id order).

        with ReportWriter(store, run_dir, page_cache=cache) as writer:
            for raw, result in store.results_json():
                writer.add(raw, result)
            index = writer.finish()          # the dashboard, after every page
    """

    def __init__(self, store: StoreReader, directory: Path, *, page_cache: PageCache | None = None) -> None:
        self.store, self.directory, self.page_cache = store, directory, page_cache
        self.run = store.run()
        self.thresholds = thresholds_of(self.run)
        self.names = user_file_names(store.user_ids())
        self.counts = store.fingerprints(min_users=1)
        self.shared = {f.fingerprint: f.users for f in self.counts}
        self.listed = frozenset([f.fingerprint for f in self.counts if f.users >= 2][:MAX_FINGERPRINTS])
        self.cached = {row.user_id for row in store.users() if row.from_cache}
        self.summaries: list[UserSummary] = []
        self.manifest = ManifestWriter(directory, self.run)
        self._finished = False
        self._threads = ThreadPoolExecutor(WRITER_THREADS, thread_name_prefix="phoenix-page")
        self._pending: deque[Future[Path]] = deque()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._threads.shutdown(wait=True, cancel_futures=True)
        if not self._finished:
            self.manifest.abort()  # no half manifests: an error, or finish() was never called

    def add(self, raw: bytes, result: UserResult) -> None:
        """One user's page, manifest entries and dashboard summary; ``raw`` is the result's stored JSON."""
        file = self.names[result.user_id]
        frame = self._frame(raw, result)
        page = fill_frame(frame, self.run, from_cache=result.user_id in self.cached)
        self._pending.append(self._threads.submit(write_bytes, self.directory / USERS_DIR / file, page))
        while len(self._pending) > MAX_PENDING or (self._pending and self._pending[0].done()):
            self._pending.popleft().result()  # a write that failed raises its StoreError here
        self.summaries.append(summarize_user(result, file, self.thresholds))
        self.manifest.add(result, file)

    def _frame(self, raw: bytes, result: UserResult) -> bytes:
        key = page_key(raw, result, self.thresholds, self.shared, self.listed) if self.page_cache else ""
        frame = self.page_cache.get(key) if self.page_cache is not None else None
        if frame is None:
            frame = encode_page(user_frame(self.store.attach_documents(result), self.thresholds,
                                           shared=self.shared, dashboard_fingerprints=self.listed))
            if self.page_cache is not None:
                self.page_cache.put(key, frame)
        return frame

    def finish(self) -> Path:
        """Close the manifests, drop pages of users no longer stored, write the dashboard; its path."""
        while self._pending:
            self._pending.popleft().result()
        self._threads.shutdown(wait=True)
        self._finished = True
        self.manifest.close()
        _remove_stale(self.directory / USERS_DIR, set(self.names.values()))
        fleet = fleet_view(self.summaries, self.run, self.thresholds, self.counts, read_plan(self.directory))
        links = [(name, label) for name, label in MACHINE_OUTPUTS if (self.directory / name).is_file()]
        return write_text(self.directory / INDEX_FILE, dashboard_page(fleet, self.run, extra_links=links))


def read_plan(directory: Path) -> Mapping[str, Any] | None:
    """plan.json as written by ``harness.plan.write_plan``; None when there is none (or it is unreadable)."""
    try:
        data = json.loads((directory / PLAN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("stages"), list) else None


def _remove_stale(folder: Path, keep: set[str]) -> None:
    """Reports of users no longer in the store (an earlier run into the same directory) would mislead."""
    if folder.is_dir():
        for path in folder.glob("*.html"):
            if path.name not in keep:
                path.unlink(missing_ok=True)
