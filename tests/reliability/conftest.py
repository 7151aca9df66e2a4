"""Session fixtures of the reliability suite: one ``phoenix run`` per source for the whole session (shared
by the xdist workers, see :mod:`tests.reliability.runs`), and the stored results of each.

Every run needs a Chromium; without one the tests that use a run are skipped with the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.errors import BrowserNotFoundError
from harness.render.browser import find_browser
from harness.runner.result import UserResult
from harness.store import StoreReader
from tests.reliability import fleets
from tests.reliability.runs import RunRecord, shared_root, shared_run

Results = dict[str, UserResult]


@pytest.fixture(scope="session")
def reliability_root(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    try:
        find_browser()
    except BrowserNotFoundError as exc:
        pytest.skip(f"no Chromium to drive: {exc} (fix: phoenix browser ensure)")
    return shared_root(tmp_path_factory, worker_id)


@pytest.fixture(scope="session")
def corpus_run(reliability_root: Path) -> RunRecord:
    return shared_run(reliability_root, "corpus", fleets.run_corpus)


@pytest.fixture(scope="session")
def clean_run(reliability_root: Path, corpus_run: RunRecord) -> RunRecord:
    return shared_run(reliability_root, "clean", lambda folder: fleets.run_clean(folder, corpus_run))


@pytest.fixture(scope="session")
def source_runs(reliability_root: Path) -> dict[str, RunRecord]:
    """group of :mod:`tests.reliability.sources` kinds → the run of that source."""
    return {"folder": shared_run(reliability_root, "folder", fleets.run_folder),
            "sql": shared_run(reliability_root, "sql", fleets.run_sql),
            "empty source": shared_run(reliability_root, "empty", fleets.run_empty)}


@pytest.fixture(scope="session")
def stored() -> Callable[[RunRecord], Results]:
    """Every stored result of a run, by user id (read once per run and process)."""
    seen: dict[str, Results] = {}

    def results(run: RunRecord) -> Results:
        if run.folder not in seen:
            with StoreReader.open(run.run_dir) as store:
                seen[run.folder] = {r.user_id: r for r in store.results()}
        return seen[run.folder]

    return results
