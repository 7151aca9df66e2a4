"""The result cache: content-addressed by input key, shared by every run on the machine.

    cache = ResultCache.at(default_cache_dir())
    hit = cache.get(work.key)            # a UserResult with its documents, or None
    entry = cache.get_entry(work.key)    # the same as stored bytes (moved into a store without decoding)
    cache.put(result)                    # written atomically (temp file + rename), never half a file

Layout (the bytes are the results store's own, see harness/store/entries.py)::

    <dir>/results/v<format>/<key[:2]>/<key>.json.z      zlib(UserResult JSON)
    <dir>/documents/<digest[:2]>/<digest>.z             zlib(JSON {"html", "css"}), shared by all entries
    <dir>/screenshots/<digest[:2]>/<digest>.png         a screenshot (settings.screenshots), shared likewise

Documents are written before the result that names them. A result the harness failed on (status
``error``) is never cached: the next run tries again. Unreadable or foreign entries count as misses.
Default directory: ``$PHOENIX_CACHE_DIR``, else ``$XDG_CACHE_HOME/phoenix``, else ``~/.cache/phoenix``.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Container, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.files import replace_atomically
from harness.model import Customization, Record
from harness.runner.result import RESULT_FORMAT, Document, UserResult, encode_data, truth_of
from harness.store.entries import StoredEntry, pack_document
from harness.store.schema import pack, unpack

ENV_CACHE_DIR = "PHOENIX_CACHE_DIR"


def default_cache_dir() -> Path:
    explicit = os.environ.get(ENV_CACHE_DIR)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "phoenix"


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    writes: int = 0


@dataclass
class ResultCache:
    root: Path
    stats: CacheStats = field(default_factory=CacheStats)

    @classmethod
    def at(cls, directory: Path | str) -> ResultCache:
        return cls(Path(directory))

    # One Path from one string, not three joins: a warm run builds ~60,000 of these (measured: 0.25 s of 4 s).
    def _path(self, key: str) -> Path:
        return Path(f"{self.root}/results/v{RESULT_FORMAT}/{key[:2]}/{key}.json.z")

    def _document_path(self, digest: str) -> Path:
        return Path(f"{self.root}/documents/{digest[:2]}/{digest}.z")

    def _image_path(self, digest: str) -> Path:
        return Path(f"{self.root}/screenshots/{digest[:2]}/{digest}.png")

    def __contains__(self, key: str) -> bool:
        return self._path(key).is_file()

    # --- reading -------------------------------------------------------------------------------------

    def get_entry(self, key: str, *, known: Container[str] = frozenset()) -> StoredEntry | None:
        """The cached result as the store keeps it, or None (a miss). Documents and screenshots whose digest is
        in ``known`` (already stored by the caller) are not read: a fleet shares most of them (measured on the
        1,250-user fleet: 14,790 references to 4,823 documents)."""
        try:
            blob = self._path(key).read_bytes()
            data = json.loads(unpack(blob))
            keys = {c[k] for comp in data["components"] for c in comp["cases"]
                    for k in ("old_document", "new_document") if c.get(k)}
            documents = {digest: self._document_path(digest).read_bytes() for digest in sorted(d for d in keys if d not in known)}
            shots = {d for comp in data["components"] for c in comp["cases"] for d in (c.get("screenshots") or {}).values()}
            images = {digest: self._image_path(digest).read_bytes() for digest in sorted(d for d in shots if d not in known)}
        except (OSError, ValueError, KeyError, TypeError, AttributeError, zlib.error):
            self.stats.misses += 1
            return None
        if data.get("input_key") != key or data.get("format") != RESULT_FORMAT:
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        return StoredEntry(data, blob, documents, images)

    def get(self, key: str) -> UserResult | None:
        entry = self.get_entry(key)
        if entry is None:
            return None
        try:
            result = UserResult.from_json(unpack(entry.blob))
            documents = {k: _document(blob) for k, blob in entry.documents.items()}
        except (ValueError, KeyError, zlib.error):
            self.stats.hits -= 1
            self.stats.misses += 1
            return None
        return result.with_documents(documents).with_images(entry.images)

    # --- writing -------------------------------------------------------------------------------------

    def put(self, result: UserResult) -> bool:
        """Store ``result`` under its input key; False (and nothing written) for errors or no key."""
        if result.error is not None or not result.input_key:
            return False
        try:
            for digest, document in result.documents.items():
                path = self._document_path(digest)
                if not path.is_file():
                    replace_atomically(path, pack_document(document))
            for digest, png in result.images.items():
                path = self._image_path(digest)
                if not path.is_file():
                    replace_atomically(path, png)
            replace_atomically(self._path(result.input_key), pack(result.to_json()))
        except OSError:
            return False  # a cache that cannot be written only costs time next run
        self.stats.writes += 1
        return True


def rebind_entry(entry: StoredEntry, records: Sequence[Record], key: str) -> StoredEntry:
    """:meth:`UserResult.rebound` for stored bytes: re-encoded only when a source or the truth changed."""
    sources = {r.component: r.source for r in records if isinstance(r, Customization)}
    data: dict[str, Any] = dict(entry.data)
    components = [dict(c, source=sources.get(c["component"], c.get("source", ""))) for c in data["components"]]
    truth = json.loads(json.dumps(truth_of(records)))
    if components == data["components"] and truth == data.get("truth") and data.get("input_key") == key:
        return entry
    data.update(components=components, truth=truth, input_key=key)
    return replace(entry, data=data, blob=pack(encode_data(data)))


def _document(blob: bytes) -> Document:
    data = json.loads(unpack(blob))
    return Document(data["html"], data["css"])
