"""Scoring: pure functions of snapshots. ``compare(old, new, twin=...)`` → :class:`CaseScore`."""

from harness.score.compare import compare
from harness.score.values import CaseScore, IgnoreRules, Mismatch, Tolerances, Weights

__all__ = ["CaseScore", "IgnoreRules", "Mismatch", "Tolerances", "Weights", "compare"]
