"""The reliability suite's fleet runs: each source is run ONCE per test session, whatever the xdist worker
count (the first worker to ask runs it under a file lock, the others wait and read its run directory), and
a local HTTP server that counts every request hostile customizations try to make.

    run = shared_run(root, "corpus", build)     # build(folder) -> RunRecord, called once per session
    with StoreReader.open(run.run_dir) as store: ...
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from harness.cli import main

# One viewport and two scenarios: every stage runs (old, twin, new, score) at a fraction of the cost.
FAST_SETTINGS = 'viewports = ["390x844"]\nscenarios = ["default", "on-sale"]\n'


@dataclass(frozen=True)
class RunRecord:
    """What a ``phoenix run`` of one source left behind (JSON on disk, shared by the workers)."""

    folder: str             # the run's working directory (source, settings, cache, run directory)
    source: str             # the SOURCE argument, relative to ``folder``
    exit_code: int
    output: str             # what phoenix printed (stdout and stderr)
    extra: Mapping[str, str]  # per source: the origin, the marker file, the hits log...

    @property
    def run_dir(self) -> Path:
        return Path(self.folder) / "run"


def shared_root(factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A folder every xdist worker of this session sees (the base temp of the session itself)."""
    base = factory.getbasetemp()
    root = (base.parent if worker_id != "master" else base) / "reliability"
    root.mkdir(exist_ok=True)
    return root


def shared_run(root: Path, name: str, build: Callable[[Path], RunRecord]) -> RunRecord:
    """``build(root / name)`` once per session across workers; every caller gets its :class:`RunRecord`."""
    folder = root / name
    done = root / f"{name}.json"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.is_file():
                folder.mkdir(exist_ok=True)
                done.write_text(json.dumps(asdict(build(folder))))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    data = json.loads(done.read_text())
    return RunRecord(**data)


def shared_value(root: Path, name: str, compute: Callable[[], object]) -> object:
    """``compute()`` (JSON-able) once per session across workers."""
    done = root / f"{name}.json"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.is_file():
                done.write_text(json.dumps(compute()))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return json.loads(done.read_text())


def phoenix_run(folder: Path, source: str, *, workers: int, extra: Mapping[str, str] | None = None) -> RunRecord:
    """``phoenix run SOURCE --out run -n WORKERS --no-cache`` in ``folder``, in this process, as a user
    types it (through :func:`harness.cli.main`), with the fast settings and a cache inside ``folder``."""
    (folder / "phoenix.toml").write_text(FAST_SETTINGS)
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed), \
            contextlib.redirect_stderr(printed):
        patch.chdir(folder)
        patch.setenv("PHOENIX_CACHE_DIR", str(folder / "cache"))
        code = main(["run", source, "--out", "run", "-n", str(workers), "--no-cache"])
    return RunRecord(str(folder), source, code, printed.getvalue(), dict(extra or {}))


# --- the origin hostile customizations point at ------------------------------------------------------------

class OriginServer:
    """A threading HTTP server on 127.0.0.1 (port 0) that appends every request it gets to ``log``.

    It answers 200 with a script-looking body, so a request that got through would also have an effect.
    It lives as long as the process (a daemon thread), so reports opened later in the session would still
    reach it if they tried; tests read the log, from any worker.
    """

    def __init__(self, log: Path) -> None:
        self.log = log
        log.touch()
        handler = _handler(log)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(log: Path) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class Counting(BaseHTTPRequestHandler):
        def _hit(self) -> None:
            with lock, log.open("a") as out:
                out.write(f"{self.command} {self.path}\n")
            body = b"window.__pwned = 'network';"
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = _hit

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Counting


def hits(log: Path) -> list[str]:
    """Every request the origin server received (``"GET /img.png"``)."""
    return log.read_text().splitlines() if log.is_file() else []

