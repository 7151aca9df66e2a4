"""The sources of the reliability suite, each written and run once per session (:func:`runs.shared_run`).

- ``corpus``: the JSON Lines corpus (every :class:`~tests.reliability.corpus.Kind`, the well-formed demo
  users mixed in), with the origin server up while it runs;
- ``clean``: the well-formed users alone, on the very lines they hold in the corpus (the other lines are
  left blank, which the loader skips), so even their ``source`` ("fleet.jsonl:74") is the same;
- ``folder``, ``sql``, ``empty``: the kinds of :mod:`tests.reliability.sources`, one run per source.
"""

from __future__ import annotations

from pathlib import Path

from tests.reliability.corpus import FLEET_FILE, WELL_FORMED, Kind, all_kinds, write_fleet
from tests.reliability.runs import OriginServer, RunRecord, phoenix_run
from tests.reliability.sources import (
    EMPTY_FILE,
    FOLDER,
    SQL_FILE,
    SourceKind,
    empty_file_kind,
    folder_kinds,
    sql_kinds,
    write_folder,
    write_sqlite,
)

CORPUS_WORKERS = 2
MARKER_NAME = "pwned-marker.txt"
HITS_LOG = "hits.log"
_SERVERS: list[OriginServer] = []  # kept for the life of the process (see OriginServer)

# What the tests are parametrized with. Expectations and user ids do not depend on where the origin server
# listens, so these are built with a placeholder origin; the runs build the same kinds with the real one.
KINDS = all_kinds("http://127.0.0.1:PORT", Path("MARKER"))
SOURCE_KINDS = [*folder_kinds(), *sql_kinds(), empty_file_kind()]
EVERY: list[Kind | SourceKind] = [*KINDS, *SOURCE_KINDS]


def run_corpus(folder: Path) -> RunRecord:
    server = OriginServer(folder / HITS_LOG)
    _SERVERS.append(server)
    marker = folder / MARKER_NAME
    kinds = all_kinds(server.origin, marker)
    write_fleet(kinds, folder / FLEET_FILE)
    return phoenix_run(folder, FLEET_FILE, workers=CORPUS_WORKERS,
                       extra={"origin": server.origin, "marker": str(marker), "hits": str(folder / HITS_LOG)})


def run_clean(folder: Path, corpus: RunRecord) -> RunRecord:
    """The well-formed users alone, each on the line it holds in the corpus fleet."""
    lines = (Path(corpus.folder) / FLEET_FILE).read_bytes().split(b"\n")
    kinds = all_kinds(corpus.extra["origin"], Path(corpus.extra["marker"]))
    good = {raw for kind in kinds if kind.group == WELL_FORMED for raw in kind.lines}
    (folder / FLEET_FILE).write_bytes(b"\n".join(raw if raw in good else b"" for raw in lines))
    return phoenix_run(folder, FLEET_FILE, workers=0)


def run_folder(folder: Path) -> RunRecord:
    write_folder(folder_kinds(), folder / FOLDER)
    return phoenix_run(folder, FOLDER, workers=0)


def run_sql(folder: Path) -> RunRecord:
    write_sqlite(sql_kinds(), folder / SQL_FILE)
    return phoenix_run(folder, SQL_FILE, workers=0)


def run_empty(folder: Path) -> RunRecord:
    (folder / EMPTY_FILE).write_bytes(b"")
    return phoenix_run(folder, EMPTY_FILE, workers=0)
