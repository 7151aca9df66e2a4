"""Cached user pages: a page is rendered once per distinct set of inputs, then copied.

A user page is a pure function of (a) the user's stored result (its JSON, which names its documents by
digest), (b) what the store says about the fleet for the fingerprints the page shows (how many users share
each, whether the dashboard has an entry for it), (c) the thresholds of the run's settings and (d) the code
that renders it. Two things on a page belong to the run rather than to those inputs: the header's run line
(source, status, start and finish) and the "from the result cache" fact. So a page is rendered as a
*frame* with a mark in each of those two places (:data:`RUN_MARK`, :data:`CACHE_MARK`: HTML comments,
which escaped user content can never spell, since every ``<`` of it is escaped), and :func:`fill_frame`
puts the run's values in. The cold path does exactly the same (render the frame, then fill it), so a page
from the cache is byte-identical to one rendered now, by construction (tests/test_report_cache.py checks it).

    cache = PageCache.at(default_cache_dir())
    key = page_key(result_json, result, thresholds, shared, listed)
    frame = cache.get(key)                     # None: render the frame and cache.put(key, frame)

Layout: ``<cache dir>/reports/v<FORMAT>/<key[:2]>/<key>.html`` (plain text: reading it back is a copy).
The key (:func:`page_key`) hashes every input above plus :func:`report_code_digest` (the ``reports``
package's sources, templates and assets, the harness code digest and the versions of the libraries that
write the HTML), so editing a template, a fleet count changing or a result changing is a new key, never a
stale page. An unreadable or unwritable cache only costs time.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from markupsafe import Markup

from harness.files import replace_atomically
from harness.runner.cache import CacheStats
from harness.runner.keys import code_digest
from harness.runner.result import UserResult
from harness.store.values import RunInfo
from reports.caseview import Thresholds
from reports.env import run_meta

FORMAT = 1
RUN_MARK = Markup("<!--phoenix:run-meta-->")
CACHE_MARK = Markup("<!--phoenix:from-cache-->")
FROM_CACHE_FACT = Markup("<span><b>Result:</b> from the result cache</span>")
_REPORTS_ROOT = Path(__file__).resolve().parent
_LIBRARIES = ("jinja2", "markupsafe", "pygments")


@functools.cache
def report_code_digest() -> str:
    """The reports package's files (code, templates, assets), the harness code and the HTML libraries."""
    digest = hashlib.sha256(f"pages v{FORMAT}\0{code_digest()}\0".encode())
    for path in sorted(_REPORTS_ROOT.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            digest.update(path.relative_to(_REPORTS_ROOT).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={version(name)}\0".encode())
        except PackageNotFoundError:  # pragma: no cover - every library is a dependency
            digest.update(f"{name}=?\0".encode())
    return digest.hexdigest()


def page_fingerprints(result: UserResult) -> list[str]:
    """Every fingerprint the page of ``result`` may show a fleet count or a dashboard link for."""
    return sorted({m.fingerprint for comp in result.components for case in comp.cases for m in case.mismatches})


def page_key(result_json: bytes, result: UserResult, thresholds: Thresholds, shared: Mapping[str, int],
             listed: Collection[str]) -> str:
    """The key of a user page's frame: a digest of everything the frame shows (see the module doc)."""
    fleet = [(fp, shared.get(fp, 0), fp in listed) for fp in page_fingerprints(result)]
    head = json.dumps({"code": report_code_digest(), "thresholds": [thresholds.pass_threshold,
                       thresholds.block_threshold], "fleet": fleet}, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(head.encode())
    digest.update(b"\0")
    digest.update(hashlib.sha256(result_json).digest())
    return digest.hexdigest()


def encode_page(text: str) -> bytes:
    """A page's bytes as :func:`reports.paths.write_text` writes them (UTF-8, a lone surrogate as ``?``)."""
    return text.encode("utf-8", errors="replace")


_RUN_MARK_BYTES = encode_page(RUN_MARK)
_CACHE_MARK_BYTES = encode_page(CACHE_MARK)
_FROM_CACHE_BYTES = encode_page(FROM_CACHE_FACT)


def fill_frame(frame: bytes, run: RunInfo, *, from_cache: bool) -> bytes:
    """The page's bytes: the frame (:func:`encode_page` of a frame) with the run's line and the cache fact
    in place of their marks."""
    return (frame.replace(_RUN_MARK_BYTES, encode_page(run_meta(run)), 1)
            .replace(_CACHE_MARK_BYTES, _FROM_CACHE_BYTES if from_cache else b"", 1))


def is_frame(frame: bytes) -> bool:
    """A frame holds each mark exactly once (anything else is not served from, or put into, the cache)."""
    return frame.count(_RUN_MARK_BYTES) == 1 and frame.count(_CACHE_MARK_BYTES) == 1


@dataclass
class PageCache:
    """Frames of user pages by :func:`page_key`, shared by every run on the machine."""

    root: Path
    stats: CacheStats = field(default_factory=CacheStats)

    @classmethod
    def at(cls, cache_dir: Path | str) -> PageCache:
        return cls(Path(cache_dir) / "reports" / f"v{FORMAT}")

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.html"

    def get(self, key: str) -> bytes | None:
        try:
            frame = self._path(key).read_bytes()
        except OSError:
            self.stats.misses += 1
            return None
        if not is_frame(frame):
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        return frame

    def put(self, key: str, frame: bytes) -> bool:
        """Store ``frame`` atomically; False when it is not a frame or cannot be written."""
        if not is_frame(frame):
            return False
        try:
            replace_atomically(self._path(key), frame)
        except OSError:
            return False
        self.stats.writes += 1
        return True
