"""The translator as the pipeline sees it: a pluggable part behind a Protocol.

The real one is ``translators.translate(pack, registry, outcome) -> Translation(config, report)``
(issue 4); ``report.status`` is ``complete`` / ``partial`` / ``failed`` and ``report.lossless`` says
whether the config reproduces the change exactly. :func:`load_translator` resolves a ``module:attribute``
spec (``--phoenix-translator``), so a run can use another implementation without code changes.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from pydantic_core import to_jsonable_python

from harness.errors import ConfigError, TranslationError, Where
from harness.evidence import Problem, TranslationStatus, TranslationSummary
from harness.packs import ComponentPack
from harness.patching.values import PatchOutcome
from harness.slots.config import SlotConfig
from harness.slots.registry import SlotRegistry

DEFAULT_TRANSLATOR = "translators:translate"


@runtime_checkable
class TranslationLike(Protocol):
    @property
    def config(self) -> SlotConfig | None: ...

    @property
    def report(self) -> Any: ...


class Translator(Protocol):
    def __call__(self, pack: ComponentPack, registry: SlotRegistry, outcome: PatchOutcome) -> TranslationLike: ...


@dataclass(frozen=True)
class TranslatedChange:
    """What the pipeline keeps of one translation: the verdict's summary, the config, the report as JSON."""

    summary: TranslationSummary
    config: SlotConfig | None
    report: dict[str, Any] | None


def summarize(translation: TranslationLike) -> TranslatedChange:
    """Read the translator's answer through its documented shape only (status, lossless, config)."""
    report = translation.report
    status_value = getattr(report, "status", None)
    try:
        status = TranslationStatus(str(getattr(status_value, "value", status_value)))
    except ValueError:
        raise TranslationError(f"the translator returned the status {status_value!r}",
                               fix="return one of complete, partial, failed",
                               code="translate.bad_report") from None
    lossless = bool(getattr(report, "lossless", False))
    config = translation.config
    report_json = _jsonable(report)
    if config is None:
        error = _report_error(report)
        if status is not TranslationStatus.FAILED:
            status, error = TranslationStatus.FAILED, Problem(
                "translate.no_config", f"the translator said {status.value} but returned no slot config",
                "report this translator bug")
        return TranslatedChange(TranslationSummary(status, False, 0, (), error), None, report_json)
    summary = TranslationSummary.from_config(config, status, lossless=lossless,
                                             error=_report_error(report) if status is TranslationStatus.FAILED
                                             else None)
    return TranslatedChange(summary, config, report_json)


def failed(error: Problem) -> TranslatedChange:
    return TranslatedChange(TranslationSummary(TranslationStatus.FAILED, False, 0, (), error), None, None)


def _report_error(report: Any) -> Problem:
    for name in ("error", "problem"):
        value = getattr(report, name, None)
        if value is not None and hasattr(value, "code") and hasattr(value, "message"):
            return Problem(str(value.code), str(value.message), str(getattr(value, "fix", "") or ""))
    found = getattr(report, "reasons", None)  # the real report: reasons() lists why it is not complete
    lines = [str(r) for r in (found() if callable(found) else [found] if found else [])]
    message = "; ".join(lines[:3]) + (f" (and {len(lines) - 3} more)" if len(lines) > 3 else "")
    return Problem(str(getattr(report, "code", None) or "translate.failed"),
                   message or "the translator gave no reason", "see the translation report for every hunk")


def _jsonable(report: Any) -> dict[str, Any] | None:
    if report is None:
        return None
    data = to_jsonable_python(report, fallback=str)
    return data if isinstance(data, dict) else {"report": data}


def load_translator(spec: str = DEFAULT_TRANSLATOR) -> Translator:
    """The callable named by ``module:attribute``; a clear error when it cannot be imported."""
    module_name, _, attribute = spec.partition(":")
    where = Where(source=spec)
    if not module_name or not attribute:
        raise ConfigError(f"{spec!r} does not name a translator", where=where,
                          fix="write it as module:attribute, e.g. translators:translate", code="config.translator")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"the translator module {module_name!r} cannot be imported: {exc}", where=where,
                          fix="install the package that provides it, or pass another --translator",
                          code="config.translator") from None
    found = getattr(module, attribute, None)
    if not callable(found):
        raise ConfigError(f"{module_name} has no callable {attribute!r}", where=where,
                          fix="point at the translate function, e.g. translators:translate",
                          code="config.translator")
    translator: Translator = found
    return translator
