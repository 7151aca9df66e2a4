"""``write_reports(run_dir) -> Path``: the HTML reports and the manifests of a run, from its results store
alone (nothing is rendered again).

The fleet engine's ``harness.runner.outputs.write_outputs`` (behind ``phoenix run`` and ``phoenix
report RUN_DIR``) writes results.json, junit.xml and plan.json / plan.csv, then calls this: so the
dashboard summarises the plan.json that sits beside it and links the machine outputs that exist.

One pass over the stored results writes each user's page and both manifests and keeps a small summary
per user; the dashboard is written last (so ``index.html`` never points at pages not yet written).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.store import StoreReader
from reports.fleet import MAX_FINGERPRINTS, UserSummary, fleet_view, summarize_user
from reports.manifest import ManifestWriter
from reports.pages import dashboard_page, thresholds_of, user_page
from reports.paths import INDEX_FILE, USERS_DIR, user_file_names, write_text

PLAN_FILE = "plan.json"
# Files other writers put in the run directory, linked from the dashboard when present.
MACHINE_OUTPUTS = (("results.json", "results.json"), ("junit.xml", "JUnit XML"), ("plan.csv", "plan.csv"))


def write_reports(store: StoreReader | Path | str, directory: Path | str | None = None) -> Path:
    """Write ``index.html``, ``users/<name>.html``, ``manifest.json`` and ``manifest.csv`` into
    ``directory`` (default: the store's run directory); returns the path of ``index.html``.

    ``store`` is an open :class:`StoreReader` (left open) or a run directory (opened and closed here).
    """
    if isinstance(store, StoreReader):
        return _write(store, Path(directory) if directory is not None else store.run_dir)
    with StoreReader.open(store) as opened:
        return _write(opened, Path(directory) if directory is not None else opened.run_dir)


def _write(store: StoreReader, directory: Path) -> Path:
    run = store.run()
    thresholds = thresholds_of(run)
    names = user_file_names(store.user_ids())
    counts = store.fingerprints(min_users=1)
    shared = {f.fingerprint: f.users for f in counts}
    listed = [f.fingerprint for f in counts if f.users >= 2][:MAX_FINGERPRINTS]
    cached = {row.user_id for row in store.users() if row.from_cache}
    summaries: list[UserSummary] = []
    with ManifestWriter(directory, run) as manifest:
        for stored in store.results():
            result = store.attach_documents(stored)
            file = names[result.user_id]
            html = user_page(result, run, shared=shared, dashboard_fingerprints=listed,
                             from_cache=result.user_id in cached)
            write_text(directory / USERS_DIR / file, html)
            summaries.append(summarize_user(result, file, thresholds))
            manifest.add(result, file)
    _remove_stale(directory / USERS_DIR, set(names.values()))
    fleet = fleet_view(summaries, run, thresholds, counts, read_plan(directory))
    links = [(name, label) for name, label in MACHINE_OUTPUTS if (directory / name).is_file()]
    return write_text(directory / INDEX_FILE, dashboard_page(fleet, run, extra_links=links))


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
