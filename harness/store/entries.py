"""A result as the store and the cache keep it: compressed JSON bytes plus the summary read from its data.

Both keep the same bytes (``zlib(UserResult JSON)``, ``zlib(JSON {html, css})`` per document and each
screenshot's PNG as the browser wrote it, content-addressed by SHA-256), so a
cache hit moves into a run's store without decoding it into a :class:`UserResult` (the warm path of
``phoenix run``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.runner.result import Document, UserResult
from harness.store.schema import pack, pack_json


@dataclass(frozen=True)
class StoredEntry:
    """One user ready to store: the result's data (``UserResult.to_dict()`` form), its compressed JSON and its
    compressed documents by digest."""

    data: Mapping[str, Any]
    blob: bytes
    documents: Mapping[str, bytes]
    images: Mapping[str, bytes] = field(default_factory=dict)   # digest → PNG (screenshots, as taken)

    @classmethod
    def of(cls, result: UserResult) -> StoredEntry:
        raw = result.to_json()
        return cls(json.loads(raw), pack(raw), {k: pack_document(d) for k, d in result.documents.items()},
                   dict(result.images))

    def image_keys(self) -> set[str]:
        """Digests of the screenshots the result's cases name."""
        return {digest for comp in self.data.get("components", ()) for case in comp.get("cases", ())
                for digest in (case.get("screenshots") or {}).values()}

    @property
    def user_id(self) -> str:
        return str(self.data["user_id"])

    @property
    def status(self) -> str:
        return "error" if self.data.get("error") else str(self.data["verdict"]["outcome"])

    def summary(self) -> tuple[Any, ...]:
        """user_id, status, rule, headline, reasons, lowest_score, complexity, components, input_key."""
        verdict = self.data["verdict"]
        reasons = [r["message"] for r in verdict["reasons"]]
        return (self.user_id, self.status, verdict["rule"], reasons[0] if reasons else "", json.dumps(reasons),
                verdict.get("lowest_score"), self.data.get("complexity", "complex"),
                json.dumps([c["component"] for c in self.data.get("components", ())]), self.data.get("input_key", ""))

    def fingerprints(self) -> Iterator[tuple[str, str, str, str, str, str, str, str]]:
        """fingerprint, user, component, scenario, viewport, kind, selector, message of every noticeable one."""
        for comp in self.data.get("components", ()):
            for case in comp.get("cases", ()):
                for m in case.get("mismatches", ()):
                    if m.get("noticeable"):
                        yield (m["fingerprint"], self.user_id, comp["component"], case["scenario"], case["viewport"],
                               m["kind"], m["selector"], m["message"])


def pack_document(document: Document) -> bytes:
    return pack_json({"html": document.html, "css": document.css})
