"""Issue 9, faults: a browser killed mid-run, an xdist worker killed, Ctrl-C, a full disk while the reports
are written. Each is done to a real run of ten demo users and compared with an uninterrupted run; the
facts also make docs/reliability-faults.md (generated here: ``--update-goldens`` rewrites it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.errors import BrowserNotFoundError
from harness.render.browser import find_browser
from tests.reliability import faults_scenarios as scenarios
from tests.reliability.faults_lab import USERS, Lab
from tests.reliability.faults_table import DOC, render_table

pytestmark = pytest.mark.browser
N = len(USERS)
STOP_AT = scenarios.STOP_AFTER_USERS


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Lab:
    try:
        find_browser()
    except BrowserNotFoundError as exc:
        pytest.skip(f"no Chromium to drive: {exc}")
    lab = Lab.shared(tmp_path_factory)
    whole = scenarios.baseline(lab)
    assert (whole["exit"], whole["status"], whole["users"]) == (0, "complete", N), whole["stderr"]
    return lab


def test_a_browser_killed_mid_run_is_relaunched_and_its_batch_retried(lab: Lab) -> None:
    facts = scenarios.browser_killed(lab)
    assert facts["killed"] > 0, "the pool's Chromium processes were killed"
    assert 0 < facts["stored_at_kill"] < N, f"the kill came mid-run: {facts['stored_at_kill']} users stored"
    assert facts["exit"] == 0, facts["stderr"]
    assert facts["status"] == "complete"
    assert facts["retries"] == 1, "the batch that met the dead browser was retried once"
    assert facts["launches"] == 2, "the browser was launched again after the kill"
    assert (facts["stored"], facts["errors"]) == (N, {}), "every user decided, none in error"
    assert facts["differs"] == [], "every result equals the uninterrupted run's"
    assert facts["integrity"] == "ok"


def test_a_killed_xdist_worker_loses_only_the_user_it_was_checking(lab: Lab) -> None:
    facts = scenarios.worker_killed(lab)
    assert facts["workers"] == 2, f"two workers to choose from (the run had stored {facts['seen']} users)"
    assert facts["exit"] == 3, facts["stderr"]
    assert facts["integrity"] == "ok"
    assert set(facts["errors"].values()) <= {"harness.worker_crashed"}, facts["errors"]
    assert len(facts["errors"]) <= 1, "at most the user in progress is lost"
    assert facts["differs"] == [], "every other stored user equals the uninterrupted run's"
    assert any("crashed" in p or "went down" in p for p in facts["problems"]), facts["problems"]
    if facts["errors"]:
        assert facts["message"] == "problem: a worker crashed while checking USER", "the summary names the user"
    assert facts["gate"] == 3, "phoenix gate refuses a run with a crashed worker"
    resumed = facts["resume"]
    assert (resumed["exit"], resumed["status"], resumed["stored"]) == (0, "complete", N), resumed["stderr"]
    assert (resumed["errors"], resumed["differs"], resumed["integrity"]) == ({}, [], "ok")


@pytest.mark.parametrize("workers", ["0", "2"], ids=["n0", "n2"])
def test_ctrl_c_leaves_a_consistent_store_that_resume_completes(lab: Lab, workers: str) -> None:
    facts = scenarios.ctrl_c(lab, workers)
    assert facts["exit"] == 130, facts["stderr"]
    assert facts["status"] == "interrupted"
    assert facts["integrity"] == "ok"
    assert STOP_AT <= facts["stored"] < N, "what finished is kept, the rest is not"
    assert (facts["errors"], facts["differs"]) == ({}, []), "every stored user is whole and equals the uninterrupted run"
    assert facts["gate"] == 3, "phoenix gate refuses an interrupted run"
    assert facts["message"].startswith(f"interrupted: k of {N} users are stored"), facts["message"]
    assert "--resume" in facts["message"], "the summary says how to finish the run"
    resumed = facts["resume"]
    assert (resumed["exit"], resumed["status"], resumed["stored"]) == (0, "complete", N), resumed["stderr"]
    assert (resumed["errors"], resumed["differs"], resumed["integrity"]) == ({}, [], "ok")


@pytest.mark.parametrize("command", ["report", "run"])
@pytest.mark.parametrize("target", scenarios.WRITERS)
def test_a_full_disk_while_writing_reports_is_a_clear_error_and_corrupts_nothing(lab: Lab, target: str,
                                                                                 command: str) -> None:
    facts = scenarios.disk_full(lab, target, command)
    assert facts["clean_exit"] == 0, "phoenix report without a fault, to start from"
    assert facts["hits"], f"the fault reached {target}"
    assert facts["exit"] == 3, facts["stderr"]
    message = facts["message"]
    assert target in message, f"the error names the file: {message}"
    assert "No space left on device" in message
    assert "free disk space" in message, f"the error says the fix: {message}"
    assert facts["leftovers"] == [], "no temporary file is left behind"
    assert facts["missing"] == []
    assert facts["target_intact"], f"{target} is still the complete file it was before (atomic writes)"
    if command == "report":  # the same store: whatever was rewritten before the fault is byte-identical
        assert facts["changed"] == []
    assert (facts["integrity"], facts["status"], facts["stored"]) == ("ok", "complete", N)
    assert (facts["errors"], facts["differs"]) == ({}, [])


def test_the_fault_table_in_the_docs_is_generated_from_these_outcomes(lab: Lab, update_goldens: bool) -> None:
    facts: dict[str, Any] = {
        "browser": scenarios.browser_killed(lab), "worker": scenarios.worker_killed(lab),
        "ctrl_c": {w: scenarios.ctrl_c(lab, w) for w in ("0", "2")},
        "disk": {(t, c): scenarios.disk_full(lab, t, c) for t in scenarios.WRITERS for c in ("report", "run")},
        "twice": scenarios.determinism(lab, "again", "0"), "workers": scenarios.determinism(lab, "two", "2"),
    }
    text = render_table(facts)
    if update_goldens:
        DOC.write_text(text, encoding="utf-8")
    assert DOC.is_file(), f"{DOC} is missing: run pytest {Path(__file__).name} --update-goldens"
    assert DOC.read_text(encoding="utf-8") == text, (
        f"{DOC.name} is not what the faults did in this run: check the change, then rewrite it with "
        f"pytest tests/reliability/test_faults.py --update-goldens")
