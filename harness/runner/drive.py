"""Driving a run from the command line: the same engine as the plugin, in an isolated pytest session.

``drive(config, workers)``:

1. reads the source and keys every selected user;
2. when every user is already stored (``--resume``) or in the cache, writes the store from the cache
   without starting pytest, xdist or a browser;
3. otherwise runs ``pytest.main`` with this plugin in an isolated rootdir (an empty ``RUN_DIR/.pytest``
   with its own ini, ``--noconftest``, no ``PYTEST_ADDOPTS``), so none of the caller's tests, conftests
   or ini options are collected; pytest's own terminal output goes to ``RUN_DIR/pytest.log`` and
   ``listener`` hears about every user as it is stored (the live progress bar).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pluggy import HookimplMarker

from harness.errors import ConfigError, StoreError, Where
from harness.render.browser import find_browser
from harness.runner.cache import ResultCache, rebind_entry
from harness.runner.engine import LoadedRun, RunConfig
from harness.runner.recorder import Recorder
from harness.store import RunStatus, StoreReader, store_path

if TYPE_CHECKING:
    import pytest

ISOLATED_DIR = ".pytest"
LOG_FILE = "pytest.log"


@dataclass(frozen=True)
class DriveOutcome:
    status: RunStatus
    counts: dict[str, int]
    done: int
    expected: int
    cached: int
    resumed: int
    used_pytest: bool
    exit_code: int          # pytest's exit code (0 when pytest did not run)
    problems: tuple[str, ...]


class Watcher:
    """What the command line hears during a run (the progress bar implements it)."""

    def start(self, total: int, done: int) -> None: ...

    def user(self, user_id: str, status: str, from_cache: bool) -> None: ...


def resumable(config: RunConfig, loaded: LoadedRun) -> frozenset[str]:
    """Users already stored in ``config.out`` with their current input key (only with ``--resume``)."""
    if not config.resume or config.out is None or not store_path(config.out).is_file():
        return frozenset()
    with StoreReader.open(config.out) as store:
        stored = store.stored_keys()
    return frozenset(u.user_id for u in loaded.selection.users if stored.get(u.user_id) == u.key)


def all_known(loaded: LoadedRun, cache: ResultCache | None, resumed: frozenset[str]) -> bool:
    """Whether every selected user is resumed or has a cache entry (a file check, nothing is read)."""
    return all(u.user_id in resumed or (cache is not None and u.key in cache) for u in loaded.selection.users)


def from_cache(loaded: LoadedRun, cache: ResultCache | None, watcher: Watcher) -> DriveOutcome | None:
    """Store every user from the cache as stored bytes; None (the run left unfinished) on an unreadable entry."""
    recorder = Recorder.begin(loaded, workers=0, cache=None)
    recorder.listeners.append(watcher.user)
    watcher.start(recorder.expected, recorder.done)
    stored: set[str] = set()  # digests of the documents and screenshots this loop has stored
    for work in loaded.selection.users:
        if work.user_id in recorder.resumed:
            continue
        entry = cache.get_entry(work.key, known=stored) if cache is not None else None
        if entry is None:
            return None
        recorder.record_entry(rebind_entry(entry, work.records, work.key))
        stored.update(entry.documents, entry.images)
    status = recorder.finish(interrupted=False)
    return _outcome(recorder, status, used_pytest=False, exit_code=0)


def _outcome(recorder: Recorder, status: RunStatus, *, used_pytest: bool, exit_code: int) -> DriveOutcome:
    return DriveOutcome(status, dict(recorder.counts), recorder.done, recorder.expected, recorder.cached,
                        len(recorder.resumed), used_pytest, exit_code, tuple(recorder.problems))


def pytest_args(config: RunConfig, workers: int, isolated: Path) -> list[str]:
    """The argv of the isolated session (everything that reaches the plugin goes through its options)."""
    source = config.source if "://" in config.source else str(Path(config.source).resolve())
    args = [str(isolated), "-c", str(isolated / "pytest.ini"), "--rootdir", str(isolated), "--noconftest",
            "-p", "no:cacheprovider", "-s", "-q", "-n", str(workers), "--phoenix-source", source,
            "--phoenix-translator", config.translator, "--phoenix-no-report"]
    if config.out is not None:
        args += ["--phoenix-out", str(config.out)]
    if config.shard is not None:
        args += ["--phoenix-shard", str(config.shard)]
    args += [arg for name in sorted(config.components) for arg in ("--phoenix-component", name)]
    args += [arg for user in sorted(config.users) for arg in ("--phoenix-user", user)]
    args += [arg for viewport in config.viewports for arg in ("--phoenix-viewports", viewport)]
    if not config.use_cache:
        args.append("--phoenix-no-cache")
    elif config.cache_dir is not None:
        args += ["--phoenix-cache-dir", str(config.cache_dir)]
    if config.resume:
        args.append("--phoenix-resume")
    if config.browser:
        args += ["--phoenix-browser", config.browser]
    return args


_hookimpl = HookimplMarker("pytest")  # what pytest.hookimpl is, without importing pytest


class _Bridge:
    """A plugin object for the isolated session: hands the controller's recorder to the watcher.
    (pytest is imported only when a session runs: a run served wholly from the cache never needs it.)"""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher
        self.recorder: Recorder | None = None

    @_hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        from harness.plugin import PLUGIN_NAME

        plugin: Any = session.config.pluginmanager.get_plugin(PLUGIN_NAME)
        if plugin is not None and plugin.recorder is not None:
            self.recorder = plugin.recorder
            plugin.recorder.listeners.append(self.watcher.user)
            self.watcher.start(plugin.recorder.expected, plugin.recorder.done)



@contextlib.contextmanager
def _quiet(log: Path) -> Iterator[None]:
    """pytest's terminal output into ``log``; no PYTEST_ADDOPTS / PYTEST_PLUGINS from the caller."""
    saved = {name: os.environ.pop(name) for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS") if name in os.environ}
    try:
        with log.open("w", encoding="utf-8") as out, contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            yield
    finally:
        os.environ.update(saved)


def with_pytest(config: RunConfig, workers: int, watcher: Watcher) -> DriveOutcome:
    assert config.out is not None
    isolated = config.out / ISOLATED_DIR
    try:
        isolated.mkdir(parents=True, exist_ok=True)
        (isolated / "pytest.ini").write_text("[pytest]\n# an isolated session for `phoenix run`\n")
    except OSError as exc:
        raise StoreError(f"the run directory cannot be written: {exc.strerror}", where=Where(path=str(config.out)),
                         fix="choose a run directory you can write to", code="store.open") from None
    find_browser(config.browser)  # no browser: an infrastructure error before anything starts
    import pytest

    bridge = _Bridge(watcher)
    with _quiet(config.out / LOG_FILE):
        code = int(pytest.main(pytest_args(config, workers, isolated), plugins=[bridge]))
    if bridge.recorder is None:
        errors = [line.removeprefix("ERROR: ") for line in (config.out / LOG_FILE).read_text().splitlines()
                  if line.startswith("ERROR: ")]
        raise ConfigError(f"the fleet check did not start: {'; '.join(errors) or f'pytest exit code {code}'}",
                          where=Where(path=str(config.out / LOG_FILE)), code="run.not_started",
                          fix="fix the option the message names (the whole session log is in the file named)")
    recorder = bridge.recorder
    with StoreReader.open(config.out) as store:
        status = store.run().status
    return _outcome(recorder, status, used_pytest=True, exit_code=code)


def drive(config: RunConfig, loaded: LoadedRun, workers: int, watcher: Watcher,
          on_plan: Callable[[int, int], None] | None = None) -> DriveOutcome:
    """Run ``loaded``'s users (see the module docstring); ``on_plan(total, known)`` is told what is known."""
    cache = config.cache()
    resumed = resumable(config, loaded)
    known = sum(1 for u in loaded.selection.users if u.user_id in resumed or (cache is not None and u.key in cache))
    if on_plan is not None:
        on_plan(len(loaded.selection.users), known)
    if all_known(loaded, cache, resumed):
        outcome = from_cache(loaded, cache, watcher)
        if outcome is not None:
            return outcome
    return with_pytest(config, workers, watcher)
