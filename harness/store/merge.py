"""``merge_stores(shard_dirs, out_dir)``: combine shard runs (a CI matrix) into one run directory.

Refuses shards that do not belong together: different settings (hash), a different source (digest of
every record), a different harness (code digest) or a different shard count. A user found in two
shards must have the same result in both (timings aside), else the merge stops and names the user.
The merged run is ``complete`` when every shard is complete and the shards cover 1..n; otherwise
``partial`` (``phoenix gate`` exits 3 on it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError, StoreError, Where
from harness.runner.result import UserResult
from harness.store.reader import StoreReader
from harness.store.values import RunInfo, RunStatus
from harness.store.writer import StoreWriter


@dataclass(frozen=True)
class MergeSummary:
    out: Path
    shards: tuple[str, ...]
    users: int
    duplicates: int
    status: RunStatus


def _check_compatible(first: RunInfo, other: RunInfo, first_dir: Path, other_dir: Path) -> None:
    checks = (("settings", first.settings_hash, other.settings_hash,
               "run every shard with the same phoenix.toml / [tool.phoenix] settings"),
              ("source", first.source_digest, other.source_digest,
               "run every shard on the same snapshot of the customization source"),
              ("harness code", first.code_digest, other.code_digest,
               "run every shard with the same version of the harness"))
    for what, mine, theirs, fix in checks:
        if mine != theirs:
            raise ConfigError(f"{other_dir} was made with different {what} than {first_dir} "
                              f"({theirs[:12]} vs {mine[:12]})", where=Where(path=str(other_dir)), fix=fix,
                              code="merge.mismatch")
    counts = {s.split("/")[1] for s in (first.shard, other.shard) if s}
    if len(counts) > 1:
        raise ConfigError(f"{other_dir} is shard {other.shard} but {first_dir} is shard {first.shard}",
                          where=Where(path=str(other_dir)), fix="merge shards of one `--shard k/n` split",
                          code="merge.mismatch")


def merge_stores(shard_dirs: Sequence[Path], out_dir: Path) -> MergeSummary:
    if not shard_dirs:
        raise ConfigError("no shard directories to merge", fix="pass at least one RUN_DIR", code="merge.empty")
    readers = [StoreReader.open(d) for d in shard_dirs]
    try:
        infos = [r.run() for r in readers]
        for info, directory in zip(infos[1:], shard_dirs[1:], strict=True):
            _check_compatible(infos[0], info, shard_dirs[0], directory)
        if any(Path(out_dir).resolve() == Path(d).resolve() for d in shard_dirs):
            raise ConfigError("--out is one of the shard directories", where=Where(path=str(out_dir)),
                              fix="merge into a new directory", code="merge.out")
        return _merge(readers, infos, out_dir)
    finally:
        for reader in readers:
            reader.close()


def _merge(readers: list[StoreReader], infos: list[RunInfo], out_dir: Path) -> MergeSummary:
    shards = tuple(sorted(s for info in infos for s in ((info.shard,) if info.shard else info.shards or ("all",))))
    status = _status(infos, shards)
    merged_info = infos[0].with_(shard=None, shards=shards, status="running", finished_at=None,
                                 expected_users=_expected(infos, shards), worker_stats={},
                                 problems=tuple(p for info in infos for p in info.problems),
                                 workers=max(info.workers for info in infos))
    seen: dict[str, tuple[UserResult, Path]] = {}
    duplicates = 0
    with StoreWriter.create(out_dir) as store:
        store.start(merged_info)
        for reader in readers:
            cached = {row.user_id for row in reader.users() if row.from_cache}
            for result in reader.results(with_documents=True):
                earlier = seen.get(result.user_id)
                if earlier is not None:
                    _same(earlier[0], result, earlier[1], reader.run_dir)
                    duplicates += 1
                    continue
                seen[result.user_id] = (result, reader.run_dir)
                store.put(result, from_cache=result.user_id in cached)
        store.finish(status)
    return MergeSummary(out_dir, shards, len(seen), duplicates, status)


def _same(first: UserResult, second: UserResult, first_dir: Path, second_dir: Path) -> None:
    if first.comparable() != second.comparable():
        raise StoreError(f"user {first.user_id} has different results in {first_dir} and {second_dir}",
                         where=Where(user=first.user_id), code="merge.conflict",
                         fix="the shards overlap and disagree: re-run both shards with the same harness and "
                             "inputs, or merge only one of them")


def _status(infos: list[RunInfo], shards: tuple[str, ...]) -> RunStatus:
    if any(info.status != "complete" for info in infos):
        return "partial"
    counts = {int(s.split("/")[1]) for s in shards if "/" in s}
    if "all" in shards:
        return "complete"
    if len(counts) == 1:
        n = counts.pop()
        if {int(s.split("/")[0]) for s in shards} == set(range(1, n + 1)):
            return "complete"
    return "partial"


def _expected(infos: list[RunInfo], shards: tuple[str, ...]) -> int:
    if "all" in shards:
        return max(info.expected_users for info in infos)
    by_shard = {info.shard: info.expected_users for info in infos if info.shard}
    return sum(by_shard.values())
