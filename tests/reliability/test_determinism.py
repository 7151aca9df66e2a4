"""Issue 9, determinism: the same fleet run twice, and with one or two workers, gives the same results
(timings, paths, run timestamps and the worker count aside) in the store, results.json and manifest.json."""

from __future__ import annotations

import pytest

from harness.errors import BrowserNotFoundError
from harness.render.browser import find_browser
from tests.reliability import faults_scenarios as scenarios
from tests.reliability.faults_lab import USERS, Lab

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Lab:
    try:
        find_browser()
    except BrowserNotFoundError as exc:
        pytest.skip(f"no Chromium to drive: {exc}")
    return Lab.shared(tmp_path_factory)


@pytest.mark.parametrize(("name", "workers"), [
    pytest.param("again", "0", id="twice-n0"),
    pytest.param("two", "2", id="n0-vs-n2"),
])
def test_a_fleet_gives_the_same_results_every_time_and_with_any_worker_count(lab: Lab, name: str,
                                                                             workers: str) -> None:
    whole = scenarios.baseline(lab)
    assert (whole["exit"], whole["status"], whole["users"]) == (0, "complete", len(USERS)), whole["stderr"]
    facts = scenarios.determinism(lab, name, workers)
    assert (facts["exit"], facts["status"], facts["stored"]) == (0, "complete", len(USERS)), facts["stderr"]
    assert facts["differs"] == [], "stored results (timings aside) equal the first run's"
    assert facts["results_json_equal"], f"results.json differs in {facts['results_json_differs']}"
    assert facts["manifest_equal"], "manifest.json's users equal the first run's"
    if facts["same_code"]:  # else the harness's source changed between the runs, and so did every key
        assert facts["same_keys"], "the same inputs and code give the same input keys (the cache relies on it)"
