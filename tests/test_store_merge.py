"""phoenix merge: shards of one run combine; shards of different runs, or disagreeing ones, are refused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.errors import ConfigError, StoreError
from harness.runner.result import UserResult
from harness.store import StoreReader, merge_stores
from tests.test_runner_support import fake_results, write_store


@pytest.fixture(scope="module")
def results() -> list[UserResult]:
    return fake_results(("u1", "u2", "u3", "u4"))


def shards(tmp_path: Path, results: list[UserResult]) -> list[Path]:
    return [write_store(tmp_path / "s1", results[:2], shard="1/2"),
            write_store(tmp_path / "s2", results[2:], shard="2/2")]


def test_shards_merge_into_one_complete_run(tmp_path: Path, results: list[UserResult]) -> None:
    summary = merge_stores(shards(tmp_path, results), tmp_path / "all")
    assert (summary.users, summary.status, summary.shards) == (4, "complete", ("1/2", "2/2"))
    with StoreReader.open(tmp_path / "all") as store:
        assert store.run().status == "complete"
        assert store.run().shards == ("1/2", "2/2")
        for result in results:
            assert store.attach_documents(store.user(result.user_id)) == result


def test_a_missing_shard_makes_a_partial_run(tmp_path: Path, results: list[UserResult]) -> None:
    summary = merge_stores(shards(tmp_path, results)[:1], tmp_path / "all")
    assert summary.status == "partial"


def test_an_interrupted_shard_makes_a_partial_run(tmp_path: Path, results: list[UserResult]) -> None:
    dirs = shards(tmp_path, results)
    write_store(dirs[1], results[2:], shard="2/2", status="interrupted")
    assert merge_stores(dirs, tmp_path / "all").status == "partial"


@pytest.mark.parametrize("field", ["settings_hash", "source_digest", "code_digest"])
def test_shards_of_different_runs_are_refused(tmp_path: Path, results: list[UserResult], field: str) -> None:
    first = write_store(tmp_path / "s1", results[:2], shard="1/2")
    changes: dict[str, Any] = {field: "x" * 64}
    second = write_store(tmp_path / "s2", results[2:], shard="2/2", **changes)
    with pytest.raises(ConfigError, match="was made with different") as refused:
        merge_stores([first, second], tmp_path / "all")
    assert refused.value.code == "merge.mismatch"


def test_a_user_in_two_shards_must_have_one_result(tmp_path: Path, results: list[UserResult]) -> None:
    first = write_store(tmp_path / "s1", results[:2], shard="1/2")
    same = write_store(tmp_path / "s2", [replace(results[0], timings={"total": 9.0}), *results[2:]], shard="2/2")
    assert merge_stores([first, same], tmp_path / "ok").duplicates == 1, "timings may differ"
    other = replace(results[0], complexity="complex" if results[0].complexity != "complex" else "simple")
    differ = write_store(tmp_path / "s3", [other, *results[2:]], shard="2/2")
    with pytest.raises(StoreError, match=f"user {results[0].user_id} has different results"):
        merge_stores([first, differ], tmp_path / "bad")


def test_the_merge_command_exit_codes(tmp_path: Path, results: list[UserResult],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    dirs = shards(tmp_path, results)
    assert main(["merge", *map(str, dirs), "--out", str(tmp_path / "all"), "--no-report"]) == 0
    assert "4 users" in capsys.readouterr().out
    bad = write_store(tmp_path / "s3", results, shard="1/2", settings_hash="y" * 64)
    assert main(["merge", str(dirs[0]), str(bad), "--out", str(tmp_path / "x")]) == 2
    assert "different settings" in capsys.readouterr().err
