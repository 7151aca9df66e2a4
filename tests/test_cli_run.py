"""phoenix run / report / demo end to end: outputs, the warm path without pytest or a browser, resume after kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.cli import main
from harness.store import StoreReader, store_path
from tests.test_runner_support import (
    TRANSLATOR,
    broken_diff,
    extra_element_diff,
    invisible_diff,
    record,
    unsafe_diff,
    visible_css_diff,
    write_fleet,
)

FAST_SETTINGS = 'viewports = ["390x844"]\nscenarios = ["default", "on-sale"]\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with fast settings and a ten-user fleet without harness errors."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PHOENIX_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "phoenix.toml").write_text(FAST_SETTINGS)
    rows = [record(f"u{i:02d}", invisible_diff(f"n{i}")) for i in range(5)]
    rows += [record("v1", visible_css_diff()), record("v2", extra_element_diff()), record("b1", broken_diff()),
             record("b2", unsafe_diff()), record("v3", visible_css_diff("#0a0"))]
    write_fleet(tmp_path / "fleet.jsonl", rows)
    return tmp_path


def phoenix(*args: object) -> int:
    return main(["run", "fleet.jsonl", "--translator", TRANSLATOR, *map(str, args)])


def comparable(run_dir: Path) -> dict[str, dict[str, object]]:
    with StoreReader.open(run_dir) as store:
        return {r.user_id: r.comparable() for r in store.results()}


@pytest.mark.browser
def test_a_cold_run_then_a_warm_one_without_pytest_or_browser(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert phoenix("--out", "cold", "-n", "0") == 0
    out = capsys.readouterr().out
    assert "10 of 10 users" in out
    assert "run directory:" in out
    assert str(project / "cold") in out
    for name in ("results.json", "junit.xml", "plan.json", "plan.csv", "results.sqlite", "pytest.log"):
        assert (project / "cold" / name).is_file(), name
    totals = json.loads((project / "cold" / "results.json").read_text())["totals"]
    assert totals["users"] == 10
    assert totals["error"] == 0
    monkeypatch.setenv("PHOENIX_BROWSER", str(project / "no-such-chromium"))  # a browser launch would fail
    assert phoenix("--out", "warm", "-n", "2") == 0
    assert "10 from the cache" in capsys.readouterr().out
    assert not (project / "warm" / "pytest.log").exists(), "no pytest session was started"
    assert comparable(project / "cold") == comparable(project / "warm")
    with StoreReader.open(project / "warm") as store:
        assert store.cached_count() == 10
        assert store.run().status == "complete"


@pytest.mark.browser
def test_a_run_killed_halfway_and_resumed_equals_an_uninterrupted_one(project: Path) -> None:
    assert phoenix("--out", "whole", "-n", "0", "--no-cache") == 0
    command = [sys.executable, "-c", "import sys; from harness.cli import main; sys.exit(main())", "run",
               "fleet.jsonl", "--out", "killed", "-n", "0", "--no-cache", "--translator", TRANSLATOR]
    process = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    stored = 0
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and stored < 3 and process.poll() is None:
            time.sleep(0.05)
            if store_path(project / "killed").is_file():
                with StoreReader.open(project / "killed") as store:
                    stored = len(store)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the whole session: the run and its browser
        process.wait()
    with StoreReader.open(project / "killed") as store:
        assert 3 <= len(store) < 10, "the kill came halfway"
        assert store.run().status == "running", "a killed run never claims to be complete"
    assert main(["gate", "killed"]) == 3
    assert phoenix("--out", "killed", "-n", "0", "--no-cache", "--resume") == 0
    with StoreReader.open(project / "killed") as store:
        assert store.run().status == "complete"
    assert comparable(project / "killed") == comparable(project / "whole")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a shell's background jobs start with Ctrl-C ignored


@pytest.mark.browser
@pytest.mark.parametrize("workers", ["0", "2"])
def test_ctrl_c_keeps_what_finished_and_marks_the_run_interrupted(project: Path, workers: str) -> None:
    command = [sys.executable, "-c", "import sys; from harness.cli import main; sys.exit(main())", "run",
               "fleet.jsonl", "--out", "stopped", "-n", workers, "--no-cache", "--translator", TRANSLATOR]
    process = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True, preexec_fn=_default_sigint)
    stored = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and stored < 2 and process.poll() is None:
        time.sleep(0.05)
        if store_path(project / "stopped").is_file():
            with StoreReader.open(project / "stopped") as store:
                stored = len(store)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches every process of the terminal's group
    _, stderr = process.communicate(timeout=120)
    with StoreReader.open(project / "stopped") as store:
        kept, status = len(store), store.run().status
    assert process.returncode == 130, (kept, status, stderr.decode()[-3000:])
    assert status == "interrupted"
    assert 2 <= kept < 10
    assert phoenix("--out", "stopped", "-n", "0", "--no-cache", "--resume") == 0


@pytest.mark.browser
def test_no_browser_is_an_infrastructure_error(project: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PHOENIX_BROWSER", str(project / "no-such-chromium"))
    assert phoenix("--out", "run", "-n", "0", "--no-cache") == 3
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["--shard", "2/1"], "is not k/n", id="shard"),
    pytest.param(["-n", "many"], "is not a number of workers", id="workers"),
    pytest.param(["--user", "nobody"], "--user nobody is not in the source", id="user"),
])
def test_usage_errors_exit_2(project: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                             message: str) -> None:
    assert phoenix("--out", "run", *args) == 2
    assert message in capsys.readouterr().err


def test_runs_never_write_into_the_source_tree(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inside = Path(__file__).resolve().parent.parent / "runs" / "x"
    assert phoenix("--out", inside) == 2
    assert "inside the harness's source tree" in capsys.readouterr().err
    assert not inside.exists()


@pytest.mark.browser
def test_report_regenerates_outputs_from_the_store(project: Path) -> None:
    assert phoenix("--out", "run", "-n", "0", "--user", "u00", "--user", "b1") == 0
    (project / "run" / "results.json").unlink()
    assert main(["report", "run", "--no-html"]) == 0
    data = json.loads((project / "run" / "results.json").read_text())
    assert [u["user_id"] for u in data["users"]] == ["b1", "u00"]
