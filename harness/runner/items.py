"""The pytest side of a fleet: one collector per source, one test item per user.

An item checks its user in ``setup`` (cache first, then the pipeline with the worker's one browser) and
reports in ``call``: eligible passes, review passes with the custom REVIEW status, blocked fails with
the reasons as the failure text. A harness error in the check is an ERROR (it fails ``setup``). The
result travels to the controller in ``item.user_properties`` on exactly one report.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pytest

from harness.errors import BrowserNotFoundError
from harness.runner.result import Document, UserResult
from harness.runner.selection import UserWork

if TYPE_CHECKING:
    from harness.runner.engine import Checker

RESULT_PROPERTY = "phoenix_result"
STATUS_PROPERTY = "phoenix_status"
INFRA_PROPERTY = "phoenix_infrastructure"
# session.shouldstop after the first Ctrl-C (set by the plugin's handler)
CTRL_C = "interrupted (Ctrl-C); the user in progress finishes, Ctrl-C again stops at once"


class UserBlocked(Exception):
    """Raised by a blocked user's item; its text is the user's reasons."""


class HarnessFailure(Exception):
    """The check itself failed (a harness error or a missing browser): reported as ERROR."""


def encode_payload(result: UserResult, from_cache: bool) -> str:
    documents = {k: {"html": d.html, "css": d.css} for k, d in result.documents.items()}
    images = {k: base64.b64encode(png).decode("ascii") for k, png in result.images.items()}
    return json.dumps({"result": result.to_json().decode("utf-8"), "documents": documents, "images": images,
                       "cached": from_cache})


def decode_payload(text: str) -> tuple[UserResult, bool]:
    data = json.loads(text)
    documents = {k: Document(v["html"], v["css"]) for k, v in data["documents"].items()}
    images = {k: base64.b64decode(v) for k, v in data.get("images", {}).items()}
    result = UserResult.from_json(data["result"]).with_documents(documents).with_images(images)
    return result, bool(data["cached"])


def report_property(report: pytest.TestReport, name: str) -> Any:
    for entry in report.user_properties:
        if len(entry) == 2 and entry[0] == name:
            return entry[1]
    return None


def failure_text(result: UserResult) -> str:
    lines = [f"user {result.user_id}: {result.status.upper()} ({result.verdict.rule})"]
    lines += [f"  - {reason.message}" for reason in result.verdict.reasons]
    if result.error is not None:
        lines.append(f"  fix: {result.error.fix}")
    return "\n".join(lines)


class FleetCollector(pytest.Collector):
    """The users of one source, in user-id order (the same list in every xdist worker)."""

    def __init__(self, *, users: Iterable[UserWork], checker: Checker | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.works = tuple(users)
        self.checker = checker

    def collect(self) -> list[pytest.Item]:
        return [UserItem.from_parent(self, name=work.user_id, work=work) for work in self.works]


class UserItem(pytest.Item):
    def __init__(self, *, work: UserWork, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.work = work
        self.result: UserResult | None = None
        self.from_cache = False

    @property
    def checker(self) -> Checker:
        parent = self.parent
        assert isinstance(parent, FleetCollector)
        assert parent.checker is not None
        return parent.checker

    def setup(self) -> None:
        try:
            self.result, self.from_cache = self.checker.check(self.work)
        except BrowserNotFoundError as exc:
            self.session.shouldstop = f"no browser: {exc}"
            self.user_properties.append((INFRA_PROPERTY, str(exc)))
            raise HarnessFailure(f"no Chromium to render with: {exc}") from None
        if self.result.error is not None:
            if self.session.shouldstop == CTRL_C:
                # the terminal's Ctrl-C also stops Playwright's driver: the check was cut short, not failed
                self.result = None
                pytest.skip("Ctrl-C cut this user's check short; --resume checks it again")
            self._attach()
            raise HarnessFailure(failure_text(self.result))

    def runtest(self) -> None:
        assert self.result is not None
        self._attach()
        if self.result.status == "blocked":
            raise UserBlocked(failure_text(self.result))

    def teardown(self) -> None:
        # the result rode on one report (setup's or call's); the teardown report must not repeat it
        self.user_properties[:] = [p for p in self.user_properties
                                   if p[0] not in (RESULT_PROPERTY, STATUS_PROPERTY, INFRA_PROPERTY)]

    def _attach(self) -> None:
        assert self.result is not None
        self.user_properties.append((STATUS_PROPERTY, self.result.status))
        self.user_properties.append((RESULT_PROPERTY, encode_payload(self.result, self.from_cache)))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, UserBlocked | HarnessFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[str, int | None, str]:
        components = ", ".join(r.component or "?" for r in self.work.records)
        return self.work.records[0].source.split(":")[0] or "fleet", None, f"user {self.name} ({components})"
