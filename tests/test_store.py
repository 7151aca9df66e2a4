"""The results store: what is put is read back whole; documents once; fingerprints grouped; runs resumable."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from harness.errors import StoreError
from harness.runner.result import UserResult
from harness.store import RunInfo, StoreReader, StoreWriter, store_path
from tests.test_runner_support import fake_results, run_info, write_store


@pytest.fixture(scope="module")
def results() -> list[UserResult]:
    return fake_results()


def test_every_user_reads_back_equal_with_its_documents(tmp_path: Path, results: list[UserResult]) -> None:
    write_store(tmp_path, results)
    with StoreReader.open(tmp_path) as store:
        assert store.user_ids() == sorted(r.user_id for r in results)
        for result in results:
            again = store.attach_documents(store.user(result.user_id))
            assert again == result
            assert again.documents == {k: result.documents[k] for k in result.document_keys()}
        assert [r.user_id for r in store.results()] == store.user_ids()


def test_rows_and_counts_summarise_without_decompressing(tmp_path: Path, results: list[UserResult]) -> None:
    write_store(tmp_path, results)
    with StoreReader.open(tmp_path) as store:
        counts = store.counts()
        assert sum(counts.values()) == len(results)
        assert counts == {s: sum(r.status == s for r in results) for s in ("eligible", "review", "blocked", "error")}
        rows = {row.user_id: row for row in store.users()}
        for result in results:
            row = rows[result.user_id]
            assert (row.status, row.rule, row.headline) == (result.status, result.verdict.rule, result.headline)
            assert row.components == ("product-card",)
            assert row.input_key == result.input_key
        assert [r.user_id for r in store.users(status="error")] == [r.user_id for r in results if r.status == "error"]


def test_documents_shared_by_users_are_stored_once(tmp_path: Path, results: list[UserResult]) -> None:
    twin = replace(results[0], user_id="u-twin")
    write_store(tmp_path, [results[0], twin])
    with StoreReader.open(tmp_path) as store:
        assert store.document_count() == len(results[0].documents)
        key = next(iter(results[0].documents))
        assert store.document(key) == results[0].documents[key]
        with pytest.raises(StoreError, match="not in this run"):
            store.document("0" * 64)


def test_fingerprints_count_users_per_difference(tmp_path: Path, results: list[UserResult]) -> None:
    showing = next(r for r in results if r.fingerprints())
    others = [replace(showing, user_id=f"copy-{i}") for i in range(2)]
    write_store(tmp_path, [showing, *others])
    with StoreReader.open(tmp_path) as store:
        counts = store.fingerprints(min_users=3)
        assert counts, "the same difference in three users is grouped"
        assert all(c.users == 3 for c in counts)
        hits = store.fingerprint_hits(counts[0].fingerprint)
        assert sorted({h.user_id for h in hits}) == sorted([showing.user_id, "copy-0", "copy-1"])
        assert store.fingerprints(min_users=4) == []


def test_run_metadata_round_trips_and_finish_counts(tmp_path: Path, results: list[UserResult]) -> None:
    write_store(tmp_path, results, shard="2/3")
    with StoreReader.open(tmp_path) as store:
        info = store.run()
    assert info.status == "complete"
    assert info.finished_at is not None
    assert info.shard == "2/3"
    assert sum(info.totals[s] for s in ("eligible", "review", "blocked", "error")) == len(results)
    assert RunInfo.from_dict(info.to_dict()) == info


def test_put_replaces_a_user_and_its_fingerprints(tmp_path: Path, results: list[UserResult]) -> None:
    showing = next(r for r in results if r.fingerprints())
    with StoreWriter.create(tmp_path) as store:
        store.start(run_info())
        store.put(showing)
        store.put(results[0] if results[0] is not showing else results[1])
        store.put(replace(results[0], user_id=showing.user_id))
        assert len(store) == 2
        assert store.fingerprint_hits(showing.fingerprints()[0][0]) == []


def test_a_fresh_start_clears_users_and_a_resumed_one_keeps_them(tmp_path: Path, results: list[UserResult]) -> None:
    write_store(tmp_path, results)
    with StoreWriter.create(tmp_path) as store:
        store.start(run_info(), resume=True)
        assert len(store) == len(results)
        assert store.stored_keys() == {r.user_id: r.input_key for r in results if r.status != "error"}
        store.start(run_info())
        assert len(store) == 0


def test_a_missing_or_foreign_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no results store") as missing:
        StoreReader.open(tmp_path / "nowhere")
    assert missing.value.code == "store.missing"
    path = store_path(tmp_path)
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    connection.execute("INSERT INTO meta VALUES ('schema_version', '99')")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="schema 99") as foreign:
        StoreReader.open(tmp_path)
    assert foreign.value.code == "store.version"


def test_a_reader_reads_while_a_writer_holds_the_file(tmp_path: Path, results: list[UserResult]) -> None:
    with StoreWriter.create(tmp_path) as writer:
        writer.start(run_info())
        writer.put(results[0])
        with StoreReader.open(tmp_path) as reader:
            assert reader.user_ids() == [results[0].user_id]
            assert reader.run().status == "running"
