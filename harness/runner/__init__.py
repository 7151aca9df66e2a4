"""The fleet engine: check users (``pipeline``), key and cache their results, select and shard them, drive
a run through pytest (``harness.plugin``) and gate it. docs/running.md is the guide.

    from harness.runner import check_user, PipelineContext, UserResult
    result = check_user(records_of_one_user, PipelineContext(packs, settings, renderer, translator))
"""

from harness.runner.cache import ResultCache, default_cache_dir
from harness.runner.engine import Checker, LoadedRun, RunConfig, load_run
from harness.runner.gate import GateResult, GateRules, decide_gate
from harness.runner.keys import code_digest, input_key
from harness.runner.pipeline import PipelineContext, RendererLike, check_user
from harness.runner.result import CaseResult, ComponentResult, Document, UserResult
from harness.runner.selection import Filters, Selection, Shard, UserWork, select
from harness.runner.translate import Translator, load_translator

__all__ = [
    "CaseResult", "Checker", "ComponentResult", "Document", "Filters", "GateResult", "GateRules", "LoadedRun",
    "PipelineContext", "RendererLike", "ResultCache", "RunConfig", "Selection", "Shard", "Translator", "UserResult",
    "UserWork", "check_user", "code_digest", "decide_gate", "default_cache_dir", "input_key", "load_run",
    "load_translator", "select",
]
