"""The SQL source against a real PostgreSQL, started in a temporary directory for this module.

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user (via runuser).
When no server can be started the tests are skipped with the reason.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from harness.errors import InputError
from harness.inputs import open_source, write_sql
from harness.model import Customization, LoadProblem
from tests.test_inputs_roundtrip import EXPECTED, FLEET

pytestmark = pytest.mark.postgres
SEARCH = ["/usr/local/bin", *sorted(str(p) for p in Path("/usr/lib/postgresql").glob("*/bin"))]


def _tool(name: str) -> str | None:
    return shutil.which(name) or next((f"{d}/{name}" for d in SEARCH if Path(d, name).is_file()), None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _run(command: list[str]) -> None:
    done = subprocess.run(_as_server_user(command), capture_output=True, text=True, timeout=90, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed: {(done.stderr or done.stdout).strip()[-300:]}")


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    initdb, pg_ctl = _tool("initdb"), _tool("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _has_user("postgres")):
        pytest.skip("running as root without a 'postgres' user and runuser to start the server as")
    root = Path(tempfile.mkdtemp(prefix="phoenix-pg-"))
    data, port = root / "data", _free_port()
    try:
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(root, entry.pw_uid, entry.pw_gid)
        root.chmod(0o755)
        _run([initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        _run([pg_ctl, "-D", str(data), "-l", str(root / "server.log"), "-w", "-t", "60", "-o",
              f"-k {root} -p {port} -c listen_addresses='' -c fsync=off", "start"])
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"could not start PostgreSQL: {exc}")
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={root}&port={port}"
    finally:
        subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60, check=False)
        shutil.rmtree(root, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def test_round_trip_matches_the_local_sources(postgres_url: str) -> None:
    assert write_sql(FLEET, postgres_url, table="roundtrip") == len(FLEET)
    source = open_source(postgres_url, table="roundtrip")
    assert source.records() == EXPECTED
    assert "secret" not in source.describe()
    assert "roundtrip" in source.describe()


def test_hand_made_table_with_text_diff_jsonb_meta_and_a_schema(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE SCHEMA IF NOT EXISTS legacy"))
        connection.execute(text(
            "CREATE TABLE legacy.customizations (id serial PRIMARY KEY, user_id text NOT NULL, "
            "component text NOT NULL, base_version text, diff text NOT NULL, meta jsonb)"))
        connection.execute(text(
            "INSERT INTO legacy.customizations (user_id, component, base_version, diff, meta) VALUES "
            "('u2', 'card', NULL, E'--- a/x\\r\\n', '{\"plan\": \"pro\", \"views_30d\": 3}'), "
            "('u1', 'card', '1.0', 'caf\u00e9', NULL), ('u1', 'card', '1.0', 'again', NULL), "
            "('u3', 'card', NULL, 'd', '{\"views_30d\": -1}')"))
    engine.dispose()
    first, duplicate, second, bad = open_source(postgres_url, table="legacy.customizations").records()
    assert isinstance(first, Customization)
    assert first.diff == "caf\u00e9".encode()
    assert isinstance(duplicate, LoadProblem)
    assert duplicate.code == "input.duplicate"
    assert isinstance(second, Customization)
    assert (second.diff, dict(second.meta)) == (b"--- a/x\r\n", {"plan": "pro", "views_30d": 3})
    assert isinstance(bad, LoadProblem)
    assert (bad.code, bad.user_id) == ("input.bad_meta", "u3")


def test_missing_table_is_an_input_error(postgres_url: str) -> None:
    with pytest.raises(InputError) as caught:
        open_source(postgres_url, table="nowhere").records()
    assert caught.value.code == "input.bad_table"


def test_unreachable_server_is_an_input_error(postgres_url: str) -> None:
    closed = postgres_url.rsplit("port=", 1)[0] + f"port={_free_port()}"  # nothing listens there
    with pytest.raises(InputError) as caught:
        open_source(closed, table="roundtrip").records()
    assert caught.value.code == "input.unreadable"
