"""manifest.json and manifest.csv: what the migration tool reads (shape: docs/reports.md, "Manifests").

Per user: verdict, deciding rule, every reason, and per customized component the slot config (for
eligible users; review users' configs travel as ``proposed_slot_config``, to apply only once a person
approves), the original diff with its base version (to roll back), and where the report is. Written
while the results are read (one pass over the store), to temporary files renamed at the end.
"""

from __future__ import annotations

import base64
import csv
import json
import os
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from harness.errors import StoreError, Where
from harness.model import diff_text_from_bytes
from harness.runner.result import ComponentResult, UserResult
from harness.store.values import RunInfo
from reports.charts import STATUS_ORDER
from reports.paths import MANIFEST_CSV, MANIFEST_JSON, USERS_DIR

SCHEMA = "phoenix-manifest/1"
CSV_COLUMNS = ("user_id", "verdict", "rule", "headline", "reason_codes", "component", "base_version",
               "target_version", "diff_sha256", "slot_config", "diff_base64", "report")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def user_entry(result: UserResult, file: str) -> dict[str, Any]:
    """One user of manifest.json."""
    verdict = result.verdict
    return {
        "user_id": result.user_id, "verdict": result.status, "rule": verdict.rule, "headline": result.headline,
        "lowest_score": verdict.lowest_score, "complexity": result.complexity,
        "report": f"{USERS_DIR}/{file}",
        "reasons": [{"code": r.code, "severity": r.severity.value, "message": r.message, "component": r.component,
                     "scenario": r.scenario, "viewport": r.viewport} for r in verdict.reasons],
        "components": [_component(result, c) for c in result.components],
        "load_problems": [{"source": p.source, "component": p.component, "code": p.code, "message": p.message,
                           "fix": p.fix} for p in result.load_problems],
        "error": result.error.code if result.error is not None else None,
    }


def _component(result: UserResult, comp: ComponentResult) -> dict[str, Any]:
    record = comp.customization(result.user_id)
    config_key = {"eligible": "slot_config", "review": "proposed_slot_config"}.get(result.status)
    return {
        "component": comp.component, "base_version": comp.base_version, "identified_base": comp.identified_base,
        "target_version": comp.target_version, "source": comp.source, "diff_sha256": record.diff_sha256,
        "diff": diff_text_from_bytes(record.diff),
        "slot_config": comp.slot_config if config_key == "slot_config" else None,
        "proposed_slot_config": comp.slot_config if config_key == "proposed_slot_config" else None,
    }


def csv_rows(result: UserResult, file: str) -> list[list[Any]]:
    """One row per customized component (one row with no component for a user that has none)."""
    head = [result.user_id, result.status, result.verdict.rule, result.headline,
            ";".join(dict.fromkeys(r.code for r in result.verdict.reasons))]
    report = f"{USERS_DIR}/{file}"
    if not result.components:
        return [[*map(_cell, head), "", "", "", "", "", "", _cell(report)]]
    rows = []
    for comp in result.components:
        record = comp.customization(result.user_id)
        config = (json.dumps(comp.slot_config, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                  if result.status == "eligible" and comp.slot_config is not None else "")
        rows.append([*map(_cell, head), _cell(comp.component), _cell(comp.base_version or ""),
                     _cell(comp.target_version or ""), record.diff_sha256, config,
                     base64.b64encode(record.diff).decode("ascii"), _cell(report)])
    return rows


def _cell(value: str) -> str:
    """A spreadsheet would run a cell starting with = + - @ as a formula: quote it with ' (as plan.csv)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


class ManifestWriter:
    """Streams both manifests while the store is read; ``close()`` renames them into place."""

    def __init__(self, run_dir: Path, run: RunInfo) -> None:
        self.json_path, self.csv_path = run_dir / MANIFEST_JSON, run_dir / MANIFEST_CSV
        self._counts = dict.fromkeys(STATUS_ORDER, 0)
        self._first = True
        try:
            self._json: IO[str] = _temporary(self.json_path)
        except OSError as exc:
            raise _write_error(self.json_path, exc) from None
        try:
            self._csv_file: IO[str] = _temporary(self.csv_path)
        except OSError as exc:
            self._csv_file = self._json  # abort() removes the one temporary there is
            self.abort()
            raise _write_error(self.csv_path, exc) from None
        self._csv = csv.writer(self._csv_file, lineterminator="\n")
        header = {"schema": SCHEMA, "run": {"source": run.source, "status": run.status,
                                            "started_at": run.started_at, "finished_at": run.finished_at,
                                            "harness_version": run.harness_version,
                                            "settings_hash": run.settings_hash, "shard": run.shard}}
        try:
            self._csv.writerow(CSV_COLUMNS)
            self._json.write(json.dumps(header, ensure_ascii=True)[:-1] + ', "users": [\n')
        except OSError as exc:
            self.abort()
            raise _write_error(self.json_path, exc) from None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    def add(self, result: UserResult, file: str) -> None:
        self._counts[result.status] = self._counts.get(result.status, 0) + 1
        separator = "" if self._first else ",\n"
        self._first = False
        # ensure_ascii: lone surrogates (diff bytes that are not UTF-8) travel as \udcXX escapes, as in plan.json
        # a full disk raises a clear error here; the temporaries are removed by abort()
        try:
            self._json.write(separator + json.dumps(user_entry(result, file), ensure_ascii=True))
        except OSError as exc:
            raise _write_error(self.json_path, exc) from None
        try:
            self._csv.writerows(csv_rows(result, file))
        except OSError as exc:
            raise _write_error(self.csv_path, exc) from None

    def close(self) -> None:
        summary = {"users": sum(self._counts.values()), **self._counts}
        for handle, path in ((self._json, self.json_path), (self._csv_file, self.csv_path)):
            try:
                if handle is self._json:
                    handle.write(f'\n], "summary": {json.dumps(summary)}}}\n')
                handle.close()  # flushes: where a full disk shows
            except OSError as exc:
                self.abort()
                raise _write_error(path, exc) from None
        for handle, path in ((self._json, self.json_path), (self._csv_file, self.csv_path)):
            try:
                os.replace(handle.name, path)
            except OSError as exc:
                raise _write_error(path, exc) from None

    def abort(self) -> None:
        """Remove both temporaries (closing a file on a full disk fails again: that is no news)."""
        for handle in (self._json, self._csv_file):
            with suppress(OSError):
                handle.close()
            with suppress(OSError):
                Path(handle.name).unlink(missing_ok=True)


def _temporary(path: Path) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return open(path.with_name(f".{path.name}.tmp"), "w", encoding="utf-8", errors="replace", newline="")


def _write_error(path: Path, exc: OSError) -> StoreError:
    return StoreError(f"the manifest could not be written: {exc.strerror}", where=Where(file=str(path)),
                      fix="free disk space, or choose a run directory you can write to", code="report.write")
