"""Each fault of issue 9, done to a real run of the lab's fleet, and the facts it left (no tests here).

Every function returns the facts of one fault as JSON-ready values, computed once per test session
(:meth:`Lab.once`): the tests assert on them and docs/reliability-faults.md is rendered from them.
"""

from __future__ import annotations

import os
import shutil
import signal
from typing import Any

import pytest

from harness.store import StoreReader
from tests.reliability.faults_inject import BrowserKiller, DiskFull
from tests.reliability.faults_lab import (
    BASELINE,
    FLEET,
    Lab,
    child_pythons,
    differing,
    finish,
    input_keys,
    integrity,
    manifest_users,
    outputs,
    printed_line,
    results_json,
    run_status,
    short_error,
    stored_errors,
    stored_users,
    wait_for_users,
)

KILL_AT_BATCH = 12     # about halfway through the lab's fleet at -n 0
STOP_AFTER_USERS = 2   # a worker is killed / Ctrl-C pressed once the store holds this many users
# Every file the reports write, by the name the fault aims at (a user page: the third user's).
WRITERS = ("u00004.html", "index.html", "results.json", "manifest.json", "manifest.csv", "junit.xml",
           "plan.json", "plan.csv")


def baseline(lab: Lab) -> dict[str, Any]:
    """The uninterrupted run every fault is compared with."""
    def compute() -> dict[str, Any]:
        done = lab.run_whole(BASELINE, "-n", "0")
        out = lab.out(BASELINE)
        return {"exit": done.code, "status": run_status(out), "users": len(stored_users(out)), "stderr": done.err}
    return lab.once(BASELINE, compute)


def _against_baseline(lab: Lab, name: str, *, only_stored: bool = False) -> dict[str, Any]:
    """What the run ``name`` holds next to the baseline: which users differ, the store's integrity."""
    out = lab.out(name)
    stored = stored_users(out)
    whole = stored_users(lab.out(BASELINE))
    if only_stored:
        whole = {user: result for user, result in whole.items() if user in stored}
    errors = stored_errors(out)
    return {"status": run_status(out), "stored": len(stored), "errors": errors, "integrity": integrity(out),
            "differs": [u for u in differing(stored, whole) if u not in errors]}


def _resume(lab: Lab, name: str, *extra: str) -> dict[str, Any]:
    done = lab.run_whole(name, "--resume", *extra)
    return {"exit": done.code, **_against_baseline(lab, name), "stderr": done.err}


def browser_killed(lab: Lab) -> dict[str, Any]:
    """Chromium SIGKILLed in the middle of a batch, in a ``phoenix run -n 0`` in this process."""
    baseline(lab)

    def compute() -> dict[str, Any]:
        name = "browser-killed"
        killer = BrowserKiller(at_batch=KILL_AT_BATCH, run_dir=lab.out(name))
        with pytest.MonkeyPatch.context() as patch:
            killer.install(patch)
            code, err = lab.phoenix("run", FLEET, "--out", lab.out(name), "-n", "0", "--no-cache")
        return {"exit": code, "killed": len(killer.killed), "stored_at_kill": killer.stored_at_kill,
                "batches": killer.batches, "retries": killer.retries(), "launches": killer.launches(),
                **_against_baseline(lab, name), "message": short_error(err, lab.out(name)), "stderr": err[-3000:]}
    return lab.once("browser-killed", compute)


def worker_killed(lab: Lab) -> dict[str, Any]:
    """One xdist worker of ``phoenix run -n 2`` SIGKILLed (not the controller), then ``--resume``."""
    baseline(lab)

    def compute() -> dict[str, Any]:
        name = "worker-killed"
        child = lab.spawn("run", FLEET, "--out", lab.out(name), "-n", "2", "--no-cache")
        seen = wait_for_users(lab.out(name), child, STOP_AFTER_USERS)
        workers = child_pythons(child.pid)
        if workers:
            os.kill(workers[0], signal.SIGKILL)
        done = finish(child)
        facts = {"exit": done.code, "seen": seen, "workers": len(workers),
                 **_against_baseline(lab, name, only_stored=True), "problems": _problems(lab, name),
                 "message": printed_line(done.out, "problem: a worker crashed"),
                 "gate": lab.phoenix("gate", lab.out(name))[0], "stderr": done.err}
        return {**facts, "resume": _resume(lab, name, "-n", "2")}
    return lab.once("worker-killed", compute)


def _problems(lab: Lab, name: str) -> list[str]:
    with StoreReader.open(lab.out(name)) as store:
        return list(store.run().problems)


def ctrl_c(lab: Lab, workers: str) -> dict[str, Any]:
    """SIGINT to the whole process group of ``phoenix run -n WORKERS`` (a Ctrl-C), then ``--resume``."""
    baseline(lab)

    def compute() -> dict[str, Any]:
        name = f"ctrl-c-n{workers}"
        child = lab.spawn("run", FLEET, "--out", lab.out(name), "-n", workers, "--no-cache")
        seen = wait_for_users(lab.out(name), child, STOP_AFTER_USERS)
        if child.process.poll() is None:
            os.killpg(child.pid, signal.SIGINT)
        done = finish(child)
        facts = {"exit": done.code, "seen": seen, **_against_baseline(lab, name, only_stored=True),
                 "message": printed_line(done.out, "interrupted:"),
                 "gate": lab.phoenix("gate", lab.out(name))[0], "stderr": done.err}
        return {**facts, "resume": _resume(lab, name, "-n", workers)}
    return lab.once(f"ctrl-c-n{workers}", compute)


def disk_full(lab: Lab, target: str, command: str) -> dict[str, Any]:
    """The disk fills up while ``phoenix report`` (or ``phoenix run --resume``) writes ``target``, in a
    copy of the baseline's run directory whose reports were just regenerated without a fault; what was
    there before is compared byte for byte."""
    baseline(lab)

    def compute() -> dict[str, Any]:
        name = f"full-{command}-{target}"
        out = lab.out(name)
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(lab.out(BASELINE), out)
        clean = lab.phoenix("report", out)[0]  # the reports as this code writes them: the state to keep
        before = outputs(out)
        args = ("report", out) if command == "report" else ("run", FLEET, "--out", out, "--resume", "--no-cache",
                                                           "-n", "0")
        with DiskFull(out, target) as disk:
            code, err = lab.phoenix(*args)
        after = outputs(out)
        faulted = [path for path in before if target in path.rsplit("/", 1)[-1]]
        return {"exit": code, "clean_exit": clean, "hits": disk.hits, "message": short_error(err, out), "stderr": err[-3000:],
                "leftovers": sorted(set(after) - set(before)), "missing": sorted(set(before) - set(after)),
                "changed": sorted(p for p in before if p in after and after[p] != before[p]),
                "target_intact": bool(faulted) and all(after.get(p) == before[p] for p in faulted),
                **_against_baseline(lab, name)}
    return lab.once(f"full-{command}-{target}", compute)


def determinism(lab: Lab, name: str, workers: str) -> dict[str, Any]:
    """The lab's fleet run again (``-n WORKERS``), next to the baseline (``-n 0``)."""
    baseline(lab)

    def compute() -> dict[str, Any]:
        done = lab.run_whole(name, "-n", workers)
        out, whole = lab.out(name), lab.out(BASELINE)
        results, expected = results_json(out), results_json(whole)
        return {"exit": done.code, "workers": workers, "stderr": done.err, "message": short_error(done.err, out),
                "results_json_equal": results == expected,
                "results_json_differs": [u["user_id"] for u, e in zip(results["users"], expected["users"], strict=False)
                                         if u != e] + [k for k in results if results[k] != expected[k]],
                "manifest_equal": manifest_users(out) == manifest_users(whole),
                "same_code": input_keys(out)[0] == input_keys(whole)[0],
                "same_keys": input_keys(out)[1] == input_keys(whole)[1],
                **_against_baseline(lab, name)}
    return lab.once(f"determinism-{name}", compute)
