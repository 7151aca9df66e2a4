"""What ``phoenix run`` shows: a live progress bar while users finish, then a one-screen summary."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

from harness.runner.drive import DriveOutcome, Watcher
from harness.runner.result import STATUSES
from harness.store import StoreReader

_STYLE = {"eligible": "green", "review": "yellow", "blocked": "red", "error": "magenta"}


class ProgressWatcher(Watcher):
    """users done/total, users per second, ETA and the verdict counts so far."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.counts: Counter[str] = Counter()
        self.started = time.perf_counter()
        self.done_at_start = 0
        self.progress = Progress(TextColumn("[bold]checking users"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[rate]}"), TextColumn("ETA"), TimeRemainingColumn(),
                                 TextColumn("{task.fields[counts]}"), console=console, transient=False)
        self.task: TaskID | None = None

    def __enter__(self) -> ProgressWatcher:
        self.progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.progress.stop()

    def start(self, total: int, done: int) -> None:
        self.done_at_start = done
        self.started = time.perf_counter()
        self.task = self.progress.add_task("users", total=total, completed=done, rate="", counts=self._counts())

    def user(self, user_id: str, status: str, from_cache: bool) -> None:
        self.counts[status] += 1
        if self.task is None:
            return
        self.progress.advance(self.task)
        checked = sum(self.counts.values())
        rate = checked / max(time.perf_counter() - self.started, 1e-6)
        self.progress.update(self.task, rate=f"{rate:5.1f} users/s", counts=self._counts())

    def _counts(self) -> str:
        return "  ".join(f"[{_STYLE[s]}]{self.counts.get(s, 0)} {s}[/]" for s in STATUSES)


def summary(console: Console, run_dir: Path, outcome: DriveOutcome, seconds: float) -> None:
    """The end-of-run screen: counts with shares, the commonest reasons and differences, where things are."""
    with StoreReader.open(run_dir) as store:
        counts, info = store.counts(), store.run()
        rules = Counter(row.rule for row in store.users())
        top = store.fingerprints(min_users=2, limit=5)
    total = sum(counts.values())
    table = Table(title=f"phoenix run: {total} of {info.expected_users} users, {info.status}", title_justify="left")
    for column in ("verdict", "users", "share"):
        table.add_column(column, justify="right" if column != "verdict" else "left")
    for status in STATUSES:
        share = f"{counts[status] / total:.0%}" if total else "-"
        table.add_row(f"[{_STYLE[status]}]{status}[/]", str(counts[status]), share)
    console.print(table)
    console.print(f"{outcome.cached} from the cache, {outcome.resumed} resumed, "
                  f"{'pytest session' if outcome.used_pytest else 'no browser needed'}; {seconds:.1f} s")
    if rules:
        console.print("deciding rules: " + ", ".join(f"{rule} {n}" for rule, n in rules.most_common(5)))
    for fingerprint in top:
        console.print(f"  {fingerprint.users} users: {fingerprint.message} [dim]({fingerprint.fingerprint})[/]")
    for problem in info.problems:
        console.print(f"[red]problem:[/] {problem}")
    console.print(f"run directory: [bold]{run_dir}[/]")
