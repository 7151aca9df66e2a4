"""Issue 9, bad input: every kind of damaged or hostile record ends as a per-user result with a clear
reason, in ONE ``phoenix run`` per source, and the well-formed users of the same run are unaffected.

The JSON Lines corpus (:mod:`tests.reliability.corpus`) is one fleet, run with 2 workers; the folder, SQLite
and empty-file kinds (:mod:`tests.reliability.sources`) are one run each. ``phoenix run`` exits 0 when every
selected user was checked, whatever the verdicts (blocked users included: verdicts never fail a run,
``phoenix gate`` does; docs/running.md), so 0 is what a finished run of bad input must return.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from harness.runner.result import UserResult
from harness.store import StoreReader
from tests.reliability.corpus import (
    WELL_FORMED,
    Expect,
    Kind,
    line_number_errors,
    matching_reason,
    reason_code,
)
from tests.reliability.fleets import EVERY, KINDS, SOURCE_KINDS
from tests.reliability.runs import RunRecord
from tests.reliability.sources import SourceKind, sql_kinds, sql_row_errors

BAD = [kind for kind in KINDS if kind.expect is not None]
GOOD = [kind for kind in KINDS if kind.group == WELL_FORMED]
Results = Callable[[RunRecord], dict[str, UserResult]]


def test_the_corpus_is_large_and_its_synthetic_ids_name_their_lines() -> None:
    assert len(BAD) + len(SOURCE_KINDS) >= 40
    assert len({k.id for k in EVERY}) == len(EVERY), "kind ids are unique"
    assert len({k.user for k in KINDS}) == len(KINDS), "one user per JSONL kind"
    assert line_number_errors(KINDS) == []
    assert sql_row_errors(sql_kinds()) == []
    assert Counter(k.group for k in KINDS)[WELL_FORMED] == len(GOOD) >= 5


def unmet(expect: Expect, result: UserResult) -> list[str]:
    """What about ``result`` differs from ``expect`` (empty: it is met)."""
    problems = []
    if result.status != expect.status:
        problems.append(f"status {result.status}, expected {expect.status}")
    if result.verdict.rule != expect.rule:
        problems.append(f"decided by {result.verdict.rule}, expected {expect.rule}")
    if matching_reason(expect, result) is None:
        problems.append(f"no reason with code {expect.code} saying {expect.words!r}")
    if problems:
        problems += [f"  reason {reason_code(r)}: {r.message[:300]}" for r in result.verdict.reasons]
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("kind", BAD, ids=[k.id for k in BAD])
def test_each_bad_record_of_the_jsonl_fleet_ends_with_a_clear_reason(kind: Kind, corpus_run: RunRecord,
                                                                     stored: Results) -> None:
    results = stored(corpus_run)
    assert kind.user in results, f"{kind.user} is not in the store"
    assert kind.expect is not None
    assert unmet(kind.expect, results[kind.user]) == []


@pytest.mark.browser
@pytest.mark.parametrize("kind", SOURCE_KINDS, ids=[k.id for k in SOURCE_KINDS])
def test_each_bad_record_of_a_folder_sqlite_or_empty_source_ends_with_a_clear_reason(
        kind: SourceKind, source_runs: dict[str, RunRecord], stored: Results) -> None:
    results = stored(source_runs[kind.group])
    assert kind.user in results, f"{kind.user} is not in the store (users: {sorted(results)})"
    assert unmet(kind.expect, results[kind.user]) == []


def expected_users(group: str) -> set[str]:
    if group == "jsonl":
        return {k.user for k in KINDS}
    return {k.user for k in SOURCE_KINDS if k.group == group}


@pytest.mark.browser
@pytest.mark.parametrize("group", ["jsonl", "folder", "sql", "empty source"])
def test_each_run_finishes_complete_with_every_user_of_its_source(group: str, corpus_run: RunRecord,
                                                                  source_runs: dict[str, RunRecord]) -> None:
    run = corpus_run if group == "jsonl" else source_runs[group]
    assert run.exit_code == 0, run.output[-3000:]  # 0: every user checked; verdicts never fail a run
    with StoreReader.open(run.run_dir) as store:
        info, ids, counts = store.run(), set(store.user_ids()), store.counts()
    assert info.status == "complete"
    assert ids == expected_users(group), "nothing lost, nothing invented"
    assert info.source_users == len(ids)
    assert counts["error"] == 0, "bad input is the user's problem, never a harness error"
    assert list(info.problems) == []
    for name in ("index.html", "results.json", "junit.xml", "manifest.json", "plan.json"):
        assert (run.run_dir / name).is_file(), name


@pytest.mark.browser
def test_the_well_formed_users_are_unaffected_by_their_neighbours(corpus_run: RunRecord, clean_run: RunRecord,
                                                                  stored: Results) -> None:
    mixed, alone = stored(corpus_run), stored(clean_run)
    assert clean_run.exit_code == 0, clean_run.output[-3000:]
    assert set(alone) == {k.user for k in GOOD}
    statuses = Counter(alone[k.user].status for k in GOOD)
    assert set(statuses) <= {"eligible", "review"}, statuses
    assert statuses["eligible"] >= 3, statuses
    for kind in GOOD:
        # the whole result: verdict, rule, every reason, scores, mismatches, documents' digests, sources
        assert mixed[kind.user].comparable() == alone[kind.user].comparable(), kind.user
