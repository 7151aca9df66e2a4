"""pytest plugin (entry point ``pytest11: phoenix``): check a fleet of customizations as a test session.

    pytest --phoenix-source fleet.jsonl --phoenix-out runs/today -n 4

One test item per user (collected from the source, the same on every xdist worker, in user-id order).
eligible → passed; review → the custom REVIEW status (letter ``R``); blocked → failed with the reasons;
a harness error → error. One browser per worker, started on first use. The results travel to the
controller with each report (``user_properties``); only the controller writes the store, the cache and
the reports. Without ``--phoenix-source`` the plugin does nothing. See docs/running.md.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Generator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from harness.errors import PhoenixError
from harness.evidence import Problem
from harness.runner.engine import Checker, LoadedRun, RunConfig, check_viewports, load_run
from harness.runner.items import (
    CTRL_C,
    INFRA_PROPERTY,
    RESULT_PROPERTY,
    STATUS_PROPERTY,
    FleetCollector,
    HarnessFailure,
    decode_payload,
    report_property,
)
from harness.runner.recorder import Recorder
from harness.runner.result import error_result
from harness.runner.selection import Shard
from harness.runner.translate import DEFAULT_TRANSLATOR, load_translator
from harness.settings import Settings

PLUGIN_NAME = "phoenix-fleet"
_WORD = {"eligible": ("ELIGIBLE", {"green": True}), "review": ("REVIEW", {"yellow": True}),
         "blocked": ("BLOCKED", {"red": True})}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("phoenix", "phoenix fleet check (docs/running.md)")
    group.addoption("--phoenix-source", metavar="SOURCE",
                    help="customizations to check: fleet.jsonl, a folder of <user>/<component>.diff, a .sqlite "
                         "file or a database URL; turns the fleet check on")
    group.addoption("--phoenix-out", metavar="RUN_DIR", type=Path,
                    help="run directory for the results store and reports (never inside the source tree)")
    group.addoption("--phoenix-shard", metavar="K/N", help="check only shard K of N (stable hash of user id)")
    group.addoption("--phoenix-component", action="append", default=[], metavar="NAME",
                    help="check only this component's customizations (repeatable)")
    group.addoption("--phoenix-user", action="append", default=[], metavar="USER_ID",
                    help="check only this user (repeatable)")
    group.addoption("--phoenix-cache-dir", metavar="DIR", type=Path,
                    help="result cache (default $PHOENIX_CACHE_DIR, $XDG_CACHE_HOME/phoenix or ~/.cache/phoenix)")
    group.addoption("--phoenix-no-cache", action="store_true", help="neither read nor write the result cache")
    group.addoption("--phoenix-resume", action="store_true",
                    help="skip users already stored in --phoenix-out with the same inputs")
    group.addoption("--phoenix-browser", metavar="PATH", help="the Chromium executable to drive")
    group.addoption("--phoenix-viewports", action="append", default=[], metavar="WxH",
                    help="render at these viewports instead of the settings' (repeatable or comma-separated)")
    group.addoption("--phoenix-translator", default=DEFAULT_TRANSLATOR, metavar="MODULE:ATTR",
                    help=f"the translator to use (default {DEFAULT_TRANSLATOR})")
    group.addoption("--phoenix-no-report", action="store_true",
                    help="write only the store, not results.json / JUnit / plan / HTML")


def run_config_from(config: pytest.Config) -> RunConfig:
    """The options as a :class:`RunConfig`; every problem is a UsageError saying how to fix it."""
    get = config.getoption
    here = config.invocation_params.dir
    out: Path | None = get("phoenix_out")
    cache_dir: Path | None = get("phoenix_cache_dir")
    source: str = get("phoenix_source")
    if get("phoenix_resume") and out is None:
        raise pytest.UsageError("--phoenix-resume needs the run directory to resume: add --phoenix-out RUN_DIR")
    if get("phoenix_no_cache") and get("phoenix_cache_dir"):
        raise pytest.UsageError("--phoenix-no-cache and --phoenix-cache-dir contradict each other: pass one")
    try:
        shard = Shard.parse(get("phoenix_shard"), option="--phoenix-shard") if get("phoenix_shard") else None
        viewports = check_viewports([v for value in get("phoenix_viewports") for v in value.split(",") if v])
    except PhoenixError as exc:
        raise pytest.UsageError(str(exc)) from None
    return RunConfig(source=source if "://" in source else str(here / source),
                     out=(here / out).resolve() if out else None, shard=shard,
                     components=frozenset(get("phoenix_component")), users=frozenset(get("phoenix_user")),
                     cache_dir=(here / cache_dir).resolve() if cache_dir else None, use_cache=not get("phoenix_no_cache"),
                     resume=bool(get("phoenix_resume")), browser=get("phoenix_browser"), viewports=viewports,
                     translator=get("phoenix_translator"), settings_dir=config.invocation_params.dir,
                     write_reports=not get("phoenix_no_report"))


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("phoenix_source", None):
        for name in ("phoenix_out", "phoenix_shard", "phoenix_resume"):
            if config.getoption(name, None):
                raise pytest.UsageError(f"--{name.replace('_', '-')} needs --phoenix-source SOURCE to know what "
                                        "to check")
        return
    run_config = run_config_from(config)
    worker_input: dict[str, Any] | None = getattr(config, "workerinput", None)
    if worker_input is not None and "phoenix_source" in worker_input:  # the controller's absolute paths
        cache_dir = worker_input["phoenix_cache_dir"]
        run_config = replace(run_config, source=worker_input["phoenix_source"],
                             cache_dir=Path(cache_dir) if cache_dir else None)
    try:
        settings = (Settings.model_validate(worker_input["phoenix_settings"]) if worker_input is not None
                    else None)
        loaded = load_run(run_config, settings)
        if worker_input is None:
            load_translator(run_config.translator)  # fail early, once, instead of once per user
    except PhoenixError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.pluginmanager.register(FleetPlugin(config, loaded, worker_input), PLUGIN_NAME)


class FleetPlugin:
    """The session's state: the users, and per role the checker (workers) or the recorder (controller)."""

    def __init__(self, config: pytest.Config, loaded: LoadedRun, worker_input: dict[str, Any] | None) -> None:
        self.config = config
        self.loaded = loaded
        self.is_worker = worker_input is not None
        self.skip: frozenset[str] = frozenset(worker_input.get("phoenix_skip", ())) if worker_input else frozenset()
        self.cache = loaded.config.cache()
        self.checker: Checker | None = None
        self.recorder: Recorder | None = None
        self.no_browser: str | None = None
        self.collector_name = _collector_name(loaded.config.source)
        self._restore_sigint: Any = None

    @property
    def distributed(self) -> bool:
        return not self.is_worker and self.config.pluginmanager.has_plugin("dsession")

    # --- session -------------------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if not self.is_worker:
            option = self.config.option
            workers = (int(getattr(option, "numprocesses", 0) or 0) or len(getattr(option, "tx", []) or [])
                       if self.distributed else 0)
            try:
                self.recorder = Recorder.begin(self.loaded, workers=workers, cache=self.cache)
            except PhoenixError as exc:
                raise pytest.UsageError(str(exc)) from None
            self.skip = self.recorder.resumed
        if not self.distributed:
            self.checker = Checker(self.loaded.settings, self.loaded.packs, self.loaded.config.translator,
                                   self.cache, self.loaded.config.browser)
            self._catch_ctrl_c(session)

    def _catch_ctrl_c(self, session: pytest.Session) -> None:
        """Where users are checked, the first Ctrl-C lets the user in progress finish (its result is kept),
        then the session stops; a second one stops at once. (Raised inside a browser call, a
        KeyboardInterrupt can be lost in Playwright's event loop.)"""
        if threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGINT)
        if previous is signal.SIG_IGN:
            return  # a background job: Ctrl-C is not ours to catch

        def interrupt(signum: int, frame: object) -> None:
            if session.shouldstop:
                raise KeyboardInterrupt
            session.shouldstop = CTRL_C

        signal.signal(signal.SIGINT, interrupt)
        self._restore_sigint = previous

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """xdist: every worker gets the controller's exact settings and the users to skip."""
        node.workerinput["phoenix_settings"] = self.loaded.settings.model_dump(mode="json")
        node.workerinput["phoenix_skip"] = sorted(self.skip)
        node.workerinput["phoenix_source"] = self.loaded.config.source
        cache_dir = self.loaded.config.cache_dir
        node.workerinput["phoenix_cache_dir"] = str(cache_dir) if cache_dir else None

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        users = [u for u in self.loaded.selection.users if u.user_id not in self.skip]
        collector = FleetCollector.from_parent(session, name=self.collector_name, nodeid=self.collector_name,
                                               users=users, checker=self.checker)
        collected = collector.collect()
        # tell the terminal (and xdist) what was collected: "collected 40 items"
        config.hook.pytest_collectreport(report=pytest.CollectReport(collector.nodeid, "passed", None, [*collected]))
        items.extend(collected)

    # --- reports (controller) -------------------------------------------------------------------------

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.recorder is None or not report.nodeid.startswith(self.collector_name + "::"):
            return
        infra = report_property(report, INFRA_PROPERTY)
        if infra is not None:
            self.no_browser = str(infra)
            if str(infra) not in self.recorder.problems:
                self.recorder.problems.append(str(infra))
            return
        payload = report_property(report, RESULT_PROPERTY)
        if payload is not None:
            result, cached = decode_payload(payload)
            self.recorder.record(result, from_cache=cached)
            # the terminal keeps every report until the end: keep only a note, not 100 KB per user
            report.user_properties = [(name, "(in the results store)" if name == RESULT_PROPERTY else value)
                                      for name, value in report.user_properties]
        elif report.failed and report.when in ("setup", "call", "???"):
            self._record_lost(report)

    def _record_lost(self, report: pytest.TestReport) -> None:
        """A failed report without a result: the worker crashed (or the item died) mid-check."""
        assert self.recorder is not None
        user_id = report.nodeid.rsplit("::", 1)[-1]
        work = self.loaded.selection.by_id().get(user_id)
        text = str(report.longrepr or "")
        crashed = "crashed" in text
        problem = Problem("harness.worker_crashed" if crashed else "harness.no_result",
                          f"the check of this user ended without a result: {text.splitlines()[-1] if text else ''}",
                          "run this user alone with --phoenix-user to reproduce, and report it")
        if crashed:
            self.recorder.problems.append(f"a worker crashed while checking {user_id}")
        self.recorder.record(error_result(user_id, problem, input_key=work.key if work else "",
                                          records=work.records if work else ()), from_cache=False)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[
            None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if call.excinfo is not None and call.excinfo.errisinstance(HarnessFailure):
            report.longrepr = str(call.excinfo.value)  # the reasons, not a traceback of the harness
        return report

    def pytest_report_teststatus(self, report: pytest.TestReport,
                                 config: pytest.Config) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
        status = report_property(report, STATUS_PROPERTY)
        if report.when != "call" or status not in _WORD:
            return None
        category = {"eligible": "passed", "review": "review", "blocked": "failed"}[status]
        letter = {"eligible": ".", "review": "R", "blocked": "F"}[status]
        return category, letter, _WORD[status]

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        if self.recorder is None:
            return
        output = getattr(node, "workeroutput", {}) or {}
        worker = str(getattr(getattr(node, "gateway", None), "id", "?"))
        if "phoenix" in output:
            self.recorder.add_worker_stats(worker, output["phoenix"])
        if error:
            self.recorder.problems.append(f"worker {worker} went down: {error}")

    # --- end -----------------------------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self._restore_sigint is not None:
            signal.signal(signal.SIGINT, self._restore_sigint)
            self._restore_sigint = None
        if self.checker is not None:
            self.checker.close()
            if self.is_worker:
                self.config.workeroutput["phoenix"] = self.checker.stats.as_dict()  # type: ignore[attr-defined]
            elif self.recorder is not None:
                self.recorder.add_worker_stats("main", self.checker.stats.as_dict())
        if self.recorder is None:
            return
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED or bool(session.shouldstop)
        status = self.recorder.finish(interrupted=interrupted, failed=self.no_browser is not None)
        out = self.loaded.config.out
        if out is not None and self.loaded.config.write_reports and status != "failed":
            from harness.runner.outputs import write_outputs

            write_outputs(out)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.recorder is None:
            return
        counts = self.recorder.counts
        parts = [f"{counts.get(s, 0)} {s}" for s in ("eligible", "review", "blocked", "error")]
        line = f"phoenix: {self.recorder.done} of {self.recorder.expected} users: {', '.join(parts)}"
        if self.recorder.cached or self.recorder.resumed:
            line += f" ({self.recorder.cached} from cache, {len(self.recorder.resumed)} resumed)"
        terminalreporter.write_sep("-", "phoenix fleet check")
        terminalreporter.write_line(line)
        if self.loaded.config.out is not None:
            terminalreporter.write_line(f"run directory: {self.loaded.config.out}")
        for problem in self.recorder.problems:
            terminalreporter.write_line(f"problem: {problem}", red=True)


def _collector_name(source: str) -> str:
    if "://" in source:
        return "fleet"
    return Path(source).name or "fleet"
