"""Value types shared by every stage: what a customization is, and what a source can yield instead.

A *customization* is one user's edit of one component, stored by the legacy system as a unified diff
against a released version of that component's files. Every loader (JSONL, folder, SQL) yields the same
values for the same data, in the same order (sorted by ``user_id`` then ``component``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Metadata keys the harness never reads when deciding (ground truth of generated fleets lives here).
GROUND_TRUTH_KEY = "truth"


def diff_bytes_from_text(text: str) -> bytes:
    """Turn a diff held as text (JSON, SQL TEXT) back into the bytes the user's editor wrote.

    Exporters that met non-UTF-8 bytes keep them as lone surrogates (``surrogateescape``); this
    reverses that, so a diff survives a trip through JSON byte for byte.
    """
    return text.encode("utf-8", "surrogateescape")


def diff_text_from_bytes(data: bytes) -> str:
    """The inverse of :func:`diff_bytes_from_text`, for writers."""
    return data.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Customization:
    """One user's customization of one component."""

    user_id: str
    component: str
    base_version: str | None
    diff: bytes
    meta: Mapping[str, Any] = field(default_factory=dict, compare=True)
    source: str = field(default="", compare=False)  # "fleet.jsonl:17", "users/u1/product-card.diff"

    @property
    def case_id(self) -> str:
        return f"{self.user_id}/{self.component}"

    @property
    def diff_sha256(self) -> str:
        return hashlib.sha256(self.diff).hexdigest()

    def decision_meta(self) -> dict[str, Any]:
        """The metadata a decision may use: everything but the ground truth of generated fleets."""
        return {k: v for k, v in self.meta.items() if k != GROUND_TRUTH_KEY}

    def identity(self) -> str:
        """A stable digest of what this record *is* (used to compare sources and key caches)."""
        payload = json.dumps(
            {"user_id": self.user_id, "component": self.component, "base_version": self.base_version,
             "diff": self.diff_sha256, "meta": self.meta},
            sort_keys=True, default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class LoadProblem:
    """A record a source could not turn into a :class:`Customization`.

    It still belongs to a user (the id is read when possible, else synthesized from the position, e.g.
    ``"<fleet.jsonl line 17>"``), so the user gets a ``blocked`` verdict with this reason and the run goes on.
    """

    user_id: str
    component: str | None
    source: str
    code: str
    message: str
    fix: str

    @property
    def case_id(self) -> str:
        return f"{self.user_id}/{self.component or '?'}"


Record = Customization | LoadProblem
