"""JSON Lines source: one record per line, exactly the keys user_id, component, base_version, diff and
an optional meta. A bad line becomes a LoadProblem for its user (or for ``<file line N>``) and the run
goes on; blank lines are skipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.errors import InputError, Where
from harness.inputs.records import Position, RecordInvalid, build, finish, problem, readable_user
from harness.model import LoadProblem, Record


class JsonlSource:
    """Customizations from a ``*.jsonl`` / ``*.ndjson`` file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def describe(self) -> str:
        return f"JSON Lines file {self.path}"

    def records(self) -> list[Record]:
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {self.path}: {exc.strerror}", where=Where(source=str(self.path)),
                             fix="check the path and its permissions", code="input.unreadable") from None
        records = [self._record(number, raw) for number, raw in enumerate(data.split(b"\n"), 1) if raw.strip()]
        if not records:
            return [LoadProblem(user_id=f"<{self.path.name}>", component=None, source=self.path.name,
                                code="input.empty", message=f"{self.path.name} holds no records",
                                fix="point the harness at the exported customizations")]
        return finish(records)

    def _record(self, number: int, raw: bytes) -> Record:
        position = Position(f"{self.path.name}:{number}", f"<{self.path.name} line {number}>")
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            value = _loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            return _salvage(raw, position, RecordInvalid(
                "input.encoding", f"line {number} is not UTF-8 (byte 0x{raw[exc.start]:02x} at column "
                f"{exc.start}); non-UTF-8 diff bytes must be written as \\udcXX escapes",
                "write the file with harness.inputs.write_jsonl, which escapes such bytes"))
        except RecordInvalid as invalid:
            return problem(position.synthetic, None, position.source, invalid)
        if not isinstance(value, dict):
            return problem(position.synthetic, None, position.source, RecordInvalid(
                "input.not_json", f"line {number} is JSON but not an object"))
        return build(value, position)


def _loads(text: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in items]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise RecordInvalid("input.duplicate_key", f"the object has the key(s) {', '.join(duplicates)} "
                                "twice; JSON parsers disagree on which one counts")
        return dict(items)

    def constant(name: str) -> Any:
        raise RecordInvalid("input.not_json", f"{name} is not valid JSON")

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise RecordInvalid("input.not_json", f"not valid JSON: {exc.msg} at column {exc.colno}") from None


def _salvage(raw: bytes, position: Position, invalid: RecordInvalid) -> LoadProblem:
    """A problem for a line that is not UTF-8, naming its user if the rest of the line can be read."""
    try:
        value = json.loads(raw.decode("utf-8", "surrogateescape"))
    except ValueError:
        value = None
    user = readable_user(value.get("user_id")) if isinstance(value, dict) else None
    component = readable_user(value.get("component")) if isinstance(value, dict) and user else None
    return problem(user or position.synthetic, component, position.source, invalid)
