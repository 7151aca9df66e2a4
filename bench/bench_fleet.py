"""The whole fleet check, cold and warm, against the bare render loop on the same machine in the same run.

    .venv/bin/python bench/bench_fleet.py [USERS] [--workers N] [--keep DIR] [--screenshots-vs-never]

1. generates the fleet (``harness.fleet``, seed 2026; 1,250 users by default) as JSONL;
2. measures the bare render loop (bench/bench_render.py: ``set_content`` + extraction, one case at a time)
   on 240 product cards: renders per second of the simplest thing that works;
3. runs ``phoenix run`` cold (empty cache) and warm (same inputs, new run directory) as subprocesses,
   sampling the summed memory (PSS) of the whole process tree (controller, workers, drivers, browsers);
4. reads the store: users/s, renders/s (renders the workers asked for), warm time as a share of cold, and
   verdict accuracy against the fleet's ground truth, with the count of false eligibles;
5. with ``--screenshots-vs-never``, first a cold run with ``screenshots = "never"`` (a phoenix.toml beside
   that run), so the cost of the default ``"on-mismatch"`` is a ratio of two cold runs of the same source:
   the cases that got screenshots, and every user whose verdict the pixels changed.

The runs execute a snapshot of the source tree (copied first), so edits made to the checkout while the
benchmark runs cannot change the code digest between the cold and the warm run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from harness.fleet import FleetSpec, generate_fleet, write_fleet
from harness.render.browser import descendant_pids
from harness.store import StoreReader

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ("harness", "translators", "reports", "fixtures", "schemas", "pyproject.toml")


def bare_renders_per_second(count: int = 240) -> float:
    sys.path.insert(0, str(ROOT))
    from bench.bench_render import bare_loop, workload

    requests = workload(count)
    return count / float(bare_loop(requests))


def snapshot(target: Path) -> Path:
    for name in SNAPSHOT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


def _tree_memory(pid: int) -> int:
    """Summed proportional set size (PSS: shared pages split between their users) of a process tree, in
    bytes; summed RSS would count Chromium's shared memory once per process."""
    total = 0
    for member in {pid, *descendant_pids(pid)}:
        try:
            text = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) * 1024
    return total


def timed_run(source_root: Path, fleet: Path, out: Path, cache: Path, workers: int) -> tuple[float, int, int]:
    """Seconds, peak summed PSS in bytes, and the exit code of one `phoenix run`."""
    env = {**os.environ, "PYTHONPATH": str(source_root), "PHOENIX_CACHE_DIR": str(cache)}
    command = [sys.executable, "-c", "import sys; from harness.cli import main; sys.exit(main())", "run",
               str(fleet), "--out", str(out), "-n", str(workers)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=out.parent, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_memory(process.pid))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    if process.returncode not in (0, 3):
        raise SystemExit(f"phoenix run failed ({process.returncode}): {stderr.decode()[-2000:]}")
    return seconds, peak[0], process.returncode


def accuracy(run_dir: Path) -> tuple[Counter[tuple[str, str]], list[str], int, int]:
    confusion: Counter[tuple[str, str]] = Counter()
    false_eligible: list[str] = []
    renders = 0
    with StoreReader.open(run_dir) as store:
        for result in store.results():
            truths = {str(t.get("user_verdict")) for t in (result.truth or {}).values() if isinstance(t, dict)}
            truth = truths.pop() if len(truths) == 1 else "unknown"
            confusion[(truth, result.status)] += 1
            if result.status == "eligible" and truth != "eligible":
                false_eligible.append(result.user_id)
        stats = store.run().worker_stats
        renders = sum(int(s.get("renders", 0)) for s in stats.values())
        users = len(store)
    return confusion, false_eligible, renders, users


def screenshot_summary(never: Path, shots: Path) -> str:
    """Cases with screenshots, PNGs stored, and users whose verdict differs from the run without pixels."""
    with StoreReader.open(never) as store:
        before = {r.user_id: r.status for r in store.results()}
    with StoreReader.open(shots) as store:
        results = list(store.results())
        images = store.image_count()
    cases = sum(1 for r in results for c in r.components for k in c.cases if k.screenshots)
    users = sum(1 for r in results if any(k.screenshots for c in r.components for k in c.cases))
    changed = [f"{r.user_id} {before.get(r.user_id)}->{r.status}" for r in results if before.get(r.user_id) != r.status]
    return (f"{cases} cases of {users} users got screenshots ({images} PNGs stored); verdicts changed by pixels: "
            f"{len(changed)} {changed[:10]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("users", type=int, nargs="?", default=1250)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", type=Path, help="keep the fleet and run directories here")
    parser.add_argument("--screenshots-vs-never", action="store_true",
                        help='also run cold with screenshots = "never" and report what the default costs')
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="phoenix-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    fleet = work / "fleet.jsonl"
    fleet.unlink(missing_ok=True)
    write_fleet(generate_fleet(FleetSpec(users=args.users, seed=2026)).records, fleet)
    source_root = snapshot(Path(tempfile.mkdtemp(prefix="phoenix-src-")))
    bare = bare_renders_per_second()
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    for name in ("cold", "warm", "never"):
        shutil.rmtree(work / name, ignore_errors=True)
    never_s = None
    try:
        if args.screenshots_vs_never:
            (work / "never").mkdir()
            (work / "never" / "phoenix.toml").write_text('screenshots = "never"\n')
            never_s, _, _ = timed_run(source_root, fleet, work / "never" / "run", work / "never" / "cache",
                                      args.workers)
        cold_s, cold_rss, cold_code = timed_run(source_root, fleet, work / "cold", cache, args.workers)
        warm_s, warm_rss, _ = timed_run(source_root, fleet, work / "warm", cache, args.workers)
    finally:
        shutil.rmtree(source_root, ignore_errors=True)
    confusion, false_eligible, renders, users = accuracy(work / "cold")
    _, _, warm_renders, _ = accuracy(work / "warm")
    with StoreReader.open(work / "warm") as store:
        warm_cached = store.cached_count()
    correct = sum(n for (truth, got), n in confusion.items() if truth == got)
    print(f"fleet: {users} users ({fleet.stat().st_size / 1e6:.1f} MB JSONL), {args.workers} workers, "
          f"{os.cpu_count()} CPUs")
    print(f"bare render loop                 {bare:8.1f} renders/s   1.00x")
    print(f"cold run  {cold_s:8.1f} s  {users / cold_s:6.2f} users/s  {renders / cold_s:8.1f} renders/s   "
          f"{renders / cold_s / bare:.2f}x  (exit {cold_code}, {renders} renders)")
    print(f"warm run  {warm_s:8.1f} s  = {warm_s / cold_s:.2%} of cold  ({warm_cached} of {users} from the cache, "
          f"{warm_renders} renders)")
    print(f"peak memory (process tree, PSS)  cold {cold_rss / 1e6:.0f} MB  warm {warm_rss / 1e6:.0f} MB")
    print(f"verdict accuracy {correct}/{users} = {correct / max(users, 1):.1%}; false eligibles: "
          f"{len(false_eligible)} {false_eligible[:10]}")
    for (truth, got), count in sorted(confusion.items()):
        print(f"  truth {truth:9} -> {got:9} {count}")
    if never_s is not None:
        print(f"screenshots: cold \"never\" {never_s:.1f} s; default \"on-mismatch\" costs "
              f"{(cold_s - never_s) / never_s:+.1%}; {screenshot_summary(work / 'never' / 'run', work / 'cold')}")
    print(f"files: {work}")


if __name__ == "__main__":
    main()
