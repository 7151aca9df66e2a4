"""Input keys: a digest of everything that can change one user's result, so unchanged users are not re-checked.

``input_key(records, packs, settings_hash)`` hashes

- the user's records, without ``meta["truth"]`` and without where they were read from (a line number
  moving does not change a result);
- every file of the component packs the records name (templates, styles, scenarios, strings, slot
  declarations, presets);
- :func:`code_digest`: the sources of the harness code that decides (``harness/`` and ``translators/``),
  computed from the files themselves, so a code change invalidates the cache without anyone bumping a
  version;
- the settings hash (:meth:`harness.settings.Settings.settings_hash`).

What is *not* in the key: the Chromium build (pass ``--no-cache`` after upgrading the browser).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from harness.model import GROUND_TRUTH_KEY, Customization, LoadProblem, Record
from harness.packs import ComponentPack

KEY_VERSION = 1
CODE_PACKAGES = ("harness", "translators")
_SKIP_DIRS = frozenset({"__pycache__", "_fixtures", "_schemas"})
_SKIP_SUFFIXES = (".pyc", ".pyo")


def record_payload(record: Record) -> dict[str, object]:
    """What a record contributes to a key (no ground truth, no source position)."""
    if isinstance(record, LoadProblem):
        return {"problem": [record.user_id, record.component, record.code, record.message, record.fix]}
    assert isinstance(record, Customization)
    meta = {k: v for k, v in record.meta.items() if k != GROUND_TRUTH_KEY}
    return {"user": record.user_id, "component": record.component, "base": record.base_version,
            "diff": record.diff_sha256, "meta": meta}


def _digest_files(files: Iterable[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def _tree_files(root: Path) -> Iterable[tuple[str, bytes]]:
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_file() and not _SKIP_DIRS.intersection(parts) and not path.name.endswith(_SKIP_SUFFIXES):
            yield path.relative_to(root).as_posix(), path.read_bytes()


@functools.cache
def _pack_digest_at(path: str) -> str:
    return _digest_files(_tree_files(Path(path)))


def pack_digest(pack: ComponentPack) -> str:
    """A digest of every file of the pack's folder (cached per folder for the life of the process)."""
    return _pack_digest_at(str(pack.path.resolve()))


@functools.cache
def code_digest() -> str:
    """A digest of the sources of :data:`CODE_PACKAGES` (every file but caches), once per process."""
    digest = hashlib.sha256()
    for package in CODE_PACKAGES:
        spec = importlib.util.find_spec(package)
        roots = list(spec.submodule_search_locations or []) if spec is not None else []
        for root in sorted(roots):
            digest.update(f"{package}\0{_digest_files(_tree_files(Path(root)))}\0".encode())
    return digest.hexdigest()


def input_key(records: Sequence[Record], packs: Mapping[str, ComponentPack], settings_hash: str, *,
              code: str | None = None) -> str:
    """The key of one user's check (see the module docstring)."""
    components = sorted({r.component for r in records if r.component is not None and r.component in packs})
    payload = {
        "version": KEY_VERSION,
        "records": sorted((record_payload(r) for r in records), key=lambda p: json.dumps(p, sort_keys=True)),
        "packs": {name: pack_digest(packs[name]) for name in components},
        "code": code if code is not None else code_digest(),
        "settings": settings_hash,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def source_digest(records: Iterable[Record]) -> str:
    """A digest of a whole source (every record, truth included): shards of one run must agree on it."""
    digest = hashlib.sha256()
    for record in records:
        if isinstance(record, Customization):
            digest.update(record.identity().encode())
        else:
            digest.update(json.dumps(record_payload(record), sort_keys=True).encode())
        digest.update(b"\n")
    return digest.hexdigest()
