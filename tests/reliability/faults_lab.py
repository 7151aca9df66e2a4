"""The laboratory of the fault and determinism proofs (no tests here): a small demo fleet, ways to run
``phoenix`` on it (in this process or as a child process), and what to compare after a fault.

    lab = Lab.shared(tmp_path_factory)          # one per test session, shared by the xdist workers
    facts = lab.once("baseline", compute)       # computed by the first worker that asks, read by the rest
    code, err = lab.phoenix("run", "fleet.jsonl", "--out", out, "-n", "0")     # in this process
    process = lab.spawn("run", "fleet.jsonl", "--out", out, "-n", "2")          # a child process

Everything a proof computes is kept as JSON in the lab (``once``), so the assertions of a test and the
generated table of docs/reliability-faults.md read the same facts, and a fleet is run once per session
whichever xdist worker asks first (a file lock orders them).
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.render.browser import descendant_pids
from harness.store import StoreReader, store_path

DEMO_FLEET = Path(__file__).resolve().parents[2] / "fixtures" / "fleets" / "demo.jsonl"
# Ten users of the demo fleet: eligible, review and blocked; one to three components each.
USERS = ("u00001", "u00003", "u00004", "u00005", "u00009", "u00013", "u00014", "u00018", "u00021", "u00028")
SETTINGS = 'viewports = ["390x844"]\nscenarios = ["default", "on-sale"]\n'
FLEET = "fleet.jsonl"
BASELINE = "baseline"        # the uninterrupted run every fault is compared with
# Files of a run directory that are not outputs of the reports (the store is checked on its own).
NOT_OUTPUTS = ("results.sqlite", "pytest.log", ".pytest")


@dataclass(frozen=True)
class Lab:
    root: Path

    @classmethod
    def shared(cls, factory: pytest.TempPathFactory) -> Lab:
        """The session's lab: the same directory for every xdist worker of one test session."""
        base = factory.getbasetemp()
        root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "phoenix-faults"
        root.mkdir(parents=True, exist_ok=True)
        lab = cls(root)
        with lab._locked("fleet"):
            if not (root / FLEET).is_file():
                lab._write_fleet()
        return lab

    def _write_fleet(self) -> None:
        lines = [line for line in DEMO_FLEET.read_text(encoding="utf-8").splitlines()
                 if json.loads(line)["user_id"] in USERS]
        (self.root / "phoenix.toml").write_text(SETTINGS, encoding="utf-8")
        (self.root / FLEET).write_text("\n".join(lines) + "\n", encoding="utf-8")

    @contextlib.contextmanager
    def _locked(self, name: str) -> Iterator[None]:
        with (self.root / f"{name}.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def once(self, name: str, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """``compute()``'s facts, computed once per session (whichever worker comes first) and kept as JSON."""
        path = self.root / f"{name}.json"
        with self._locked(name):
            if not path.is_file():
                facts = compute()
                path.write_text(json.dumps(facts, indent=1, sort_keys=True), encoding="utf-8")
            loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded

    def out(self, name: str) -> Path:
        return self.root / name

    # --- running phoenix ---------------------------------------------------------------------------

    def phoenix(self, *args: object) -> tuple[int, str]:
        """``phoenix ARGS`` in this process, from the lab directory: (exit code, what it wrote to stderr)."""
        err = io.StringIO()
        with contextlib.chdir(self.root), contextlib.redirect_stderr(err), \
                contextlib.redirect_stdout(io.StringIO()):
            code = main([str(a) for a in args])
        return code, err.getvalue()

    def spawn(self, *args: object) -> Child:
        """``phoenix ARGS`` as a child process in a session of its own (Ctrl-C reaches its whole group);
        what it prints goes to files (a pipe nobody reads while it runs could fill and stall it)."""
        command = [sys.executable, "-m", "harness.cli", *map(str, args)]
        env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER")}
        env["PHOENIX_CACHE_DIR"] = str(self.root / "cache-unused")
        env["COLUMNS"] = "250"  # the summary's lines unwrapped
        logs = self.root / "logs"
        logs.mkdir(exist_ok=True)
        out, err = (Path(tempfile.mkstemp(dir=logs, suffix=suffix)[1]) for suffix in (".out", ".err"))
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(command, cwd=self.root, env=env, stdout=stdout, stderr=stderr,
                                       start_new_session=True, preexec_fn=_default_sigint)
        return Child(process, out, err)

    def run_whole(self, out: str, *extra: object) -> Finished:
        """An uninterrupted run of the lab's fleet, rendering every user (no result cache)."""
        return finish(self.spawn("run", FLEET, "--out", self.out(out), "--no-cache", *extra))


@dataclass(frozen=True)
class Child:
    process: subprocess.Popen[bytes]
    out: Path
    err: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a background job starts with Ctrl-C ignored


def wait_for_users(run_dir: Path, child: Child, at_least: int, timeout_s: float = 300) -> int:
    """Poll the store until it holds ``at_least`` users (or the process ended); the count seen."""
    stored = 0
    deadline = time.monotonic() + timeout_s
    while stored < at_least and child.process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        if store_path(run_dir).is_file():
            with StoreReader.open(run_dir) as store:
                stored = len(store)
    return stored


@dataclass(frozen=True)
class Finished:
    """How a child ``phoenix`` ended: exit code, and the ends of what it printed."""

    code: int
    out: str
    err: str


def finish(child: Child, timeout_s: float = 300) -> Finished:
    """Wait for a child run. Whatever is left of its process group is killed."""
    try:
        child.process.wait(timeout=timeout_s)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
    out, err = (path.read_text(encoding="utf-8", errors="replace")[-3000:] for path in (child.out, child.err))
    return Finished(child.process.returncode, out, err)


def printed_line(text: str, prefix: str) -> str:
    """The first line of ``text`` that starts with ``prefix``, counts of users and ids made stable
    (``3 of 10`` → ``k of 10``, ``u00042`` → ``USER``, ``gw1`` → ``gwN``)."""
    line = next((line.strip() for line in text.splitlines() if line.strip().startswith(prefix)), "")
    line = re.sub(r"\b\d+ of (\d+)", r"k of \1", line)
    return re.sub(r"\bgw\d+\b", "gwN", re.sub(r"\bu\d{5}\b", "USER", line))


def child_pythons(parent: int) -> list[int]:
    """The Python processes directly below ``parent`` (the xdist workers of a ``phoenix run -n N``)."""
    found = []
    for pid in descendant_pids(parent):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"python" in command.rsplit(b"/", 1)[-1]:
            found.append(pid)
    return sorted(found)


# --- what a run left behind ------------------------------------------------------------------------------

def integrity(run_dir: Path) -> str:
    """SQLite's own verdict on the store file (``ok`` when it is sound)."""
    connection = sqlite3.connect(f"file:{store_path(run_dir)}?mode=ro", uri=True)
    try:
        return "; ".join(str(row[0]) for row in connection.execute("PRAGMA integrity_check"))
    finally:
        connection.close()


def stored_users(run_dir: Path) -> dict[str, dict[str, Any]]:
    """user id → the stored result without what may differ between runs of the same inputs: timings, and
    the input key (it hashes the harness's own source, which other work may change while a suite runs;
    :func:`input_keys` compares it where the code is known to be the same)."""
    with StoreReader.open(run_dir) as store:
        return {r.user_id: {k: v for k, v in r.comparable().items() if k != "input_key"} for r in store.results()}


def input_keys(run_dir: Path) -> tuple[str, dict[str, str]]:
    """The code digest the run was made with, and every stored user's input key."""
    with StoreReader.open(run_dir) as store:
        return store.run().code_digest, {row.user_id: row.input_key for row in store.users()}


def stored_errors(run_dir: Path) -> dict[str, str]:
    """user id → the code of the harness error it is stored with (users the harness failed on)."""
    with StoreReader.open(run_dir) as store:
        return {r.user_id: r.error.code for r in store.results() if r.error is not None}


def run_status(run_dir: Path) -> str:
    with StoreReader.open(run_dir) as store:
        return store.run().status


def results_json(run_dir: Path) -> dict[str, Any]:
    """results.json without what differs between two runs of the same inputs: when, with how many workers,
    and the harness's code digest and input keys (see :func:`stored_users`)."""
    data: dict[str, Any] = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    for key in ("started_at", "finished_at", "workers", "code_digest"):
        data["run"].pop(key)
    for user in data["users"]:
        user.pop("input_key")
    return data


def manifest_users(run_dir: Path) -> list[Any]:
    data = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    return [data["users"], data["summary"]]


def differing(left: dict[str, Any], right: dict[str, Any]) -> list[str]:
    """The keys whose values differ (or that only one side has), sorted."""
    return sorted(k for k in left.keys() | right.keys() if left.get(k) != right.get(k))


def outputs(run_dir: Path) -> dict[str, bytes]:
    """Every report file of a run directory (relative path → bytes), the store and pytest's files aside."""
    files = {}
    for path in sorted(run_dir.rglob("*")):
        relative = path.relative_to(run_dir)
        if path.is_file() and relative.parts[0] not in NOT_OUTPUTS and not relative.parts[0].startswith(
                "results.sqlite"):
            files[relative.as_posix()] = path.read_bytes()
    return files


def short_error(stderr: str, run_dir: Path) -> str:
    """The first line phoenix wrote about the failure, with the run directory as ``RUN_DIR``."""
    lines = [line for line in stderr.splitlines() if line.startswith("phoenix:")]
    return lines[0].replace(str(run_dir.resolve()), "RUN_DIR").replace(str(run_dir), "RUN_DIR") if lines else ""
