"""Metamorphic should-match / should-differ corpus, rendered in Chromium and scored.

Invisible differences score exactly 1.0; every visible change scores below 1.0 and says what changed;
larger or more prominent changes cost more.
"""

from __future__ import annotations

import pytest

from harness.render import BrowserPool, RenderRequest, Snapshot
from harness.score import IgnoreRules, compare
from tests.conftest import DEFAULT_VIEWPORT

pytestmark = pytest.mark.browser

CSS = (".card { position: relative; padding: 12px; border: 1px solid #ddd } .card__title { font-size: 18px; "
       "margin: 8px 0 } .price { color: #cc0000; font-weight: 700 } .badge { position: absolute; top: 8px; "
       "left: 8px; background: #111; color: #fff; padding: 2px 6px } .card__vendor { color: #666; "
       "font-size: 13px }")
BASE = ('<div class="card"><span class="badge">Sale</span><img src="p.png" alt="Shoe" width="200" '
        'height="150"><p class="card__vendor">Acme</p><h3 class="card__title">Running shoe</h3>'
        '<p class="price">$10.00</p><button type="button" class="btn">Add to cart</button></div>')

INVISIBLE = {
    "attribute order": (BASE.replace('alt="Shoe" width="200"', 'width="200" alt="Shoe"'), CSS),
    "class order and spacing": (BASE.replace('class="badge"', 'class=" badge  "'), CSS),
    "whitespace between tags": (BASE.replace("><", ">\n    <"), CSS),
    "comments": (BASE.replace("<h3", "<!-- title --><h3"), CSS + "/* note */"),
    "data-slot markers": (BASE.replace('class="price"', 'class="price" data-slot="price"'), CSS),
    "#f00 vs rgb()": (BASE, CSS.replace("#cc0000", "rgb(204, 0, 0)")),
    "display: contents wrapper": (BASE.replace('<p class="price">$10.00</p>',
                                               '<div style="display: contents" data-slot="price">'
                                               '<p class="price">$10.00</p></div>'), CSS),
}
VISIBLE = {
    "price colour slightly": (BASE, CSS.replace("#cc0000", "#dd0000")),
    "price colour to blue": (BASE, CSS.replace("#cc0000", "#0000cc")),
    "badge text": (BASE.replace(">Sale<", ">On sale<"), CSS),
    "badge moved 8 px down": (BASE, CSS.replace("top: 8px", "top: 16px")),
    "vendor line removed": (BASE.replace('<p class="card__vendor">Acme</p>', ""), CSS),
    "title larger": (BASE, CSS.replace("font-size: 18px", "font-size: 24px")),
    "button removed": (BASE.replace('<button type="button" class="btn">Add to cart</button>', ""), CSS),
    "new banner": (BASE.replace('<div class="card">', '<div class="card"><p class="promo">Free shipping</p>'), CSS),
}
ALL = {"identical": (BASE, CSS), **INVISIBLE, **VISIBLE}


@pytest.fixture(scope="module")
def snaps(browser_pool: BrowserPool) -> dict[str, Snapshot]:
    requests = [RenderRequest(name, body, css, DEFAULT_VIEWPORT, screenshot=True) for name, (body, css) in ALL.items()]
    rendered = browser_pool.render(requests)
    out = {r.key: s for r, s in zip(requests, rendered, strict=True)}
    out["twin"] = browser_pool.render([requests[0]], lane="twin")[0]
    return out


@pytest.mark.parametrize("name", ["identical", *INVISIBLE])
def test_invisible_differences_score_exactly_one(snaps: dict[str, Snapshot], name: str) -> None:
    result = compare(snaps["identical"], snaps[name], twin=snaps["twin"])
    assert result.score == 1.0, [m.message for m in result.mismatches]
    assert not result.noticeable
    assert not result.noisy


@pytest.mark.parametrize("name", list(VISIBLE))
def test_visible_changes_lower_the_score_and_are_noticeable(snaps: dict[str, Snapshot], name: str) -> None:
    result = compare(snaps["identical"], snaps[name], twin=snaps["twin"])
    assert result.score < 1.0
    assert result.noticeable, "a visible change must reach review"


@pytest.mark.parametrize(("name", "message"), [
    ("price colour slightly", "p.price colour #cc0000 → #dd0000"),
    ("badge text", "span.badge text 'Sale' → 'On sale'"),
    ("badge moved 8 px down", "span.badge moved 8 px down"),
    ("vendor line removed", "element p.card__vendor missing in new (364×15 px)"),
    ("new banner", "element p.promo added in new"),
])
def test_mismatches_read_like_a_person_wrote_them(snaps: dict[str, Snapshot], name: str, message: str) -> None:
    messages = [m.message for m in compare(snaps["identical"], snaps[name]).mismatches]
    assert any(m.startswith(message) for m in messages), messages


@pytest.mark.parametrize(("smaller", "larger"), [
    ("price colour slightly", "price colour to blue"),
    ("badge moved 8 px down", "vendor line removed"),
    ("price colour slightly", "title larger"),
    ("badge text", "vendor line removed"),
])
def test_larger_changes_cost_more(snaps: dict[str, Snapshot], smaller: str, larger: str) -> None:
    base = snaps["identical"]
    assert compare(base, snaps[larger]).score < compare(base, snaps[smaller]).score


@pytest.mark.parametrize("name", list(ALL))
def test_score_is_symmetric(snaps: dict[str, Snapshot], name: str) -> None:
    assert compare(snaps["identical"], snaps[name]).score == compare(snaps[name], snaps["identical"]).score


def test_score_is_deterministic(snaps: dict[str, Snapshot]) -> None:
    runs = [compare(snaps["identical"], snaps["title larger"]) for _ in range(3)]
    assert len({(r.score, tuple(sorted(r.subscores.items())), r.mismatches) for r in runs}) == 1


def test_identical_differences_share_a_fingerprint(snaps: dict[str, Snapshot]) -> None:
    first = compare(snaps["identical"], snaps["price colour slightly"]).mismatches
    again = compare(snaps["twin"], snaps["price colour slightly"]).mismatches
    assert [m.fingerprint for m in first] == [m.fingerprint for m in again]


def test_ignore_rules_are_applied_and_counted(snaps: dict[str, Snapshot]) -> None:
    rules = IgnoreRules(selectors=(".badge",))
    result = compare(snaps["identical"], snaps["badge text"], rules=rules)
    assert not any(m.kind == "text" for m in result.mismatches)
    assert result.ignored_counts["selector:.badge"] == 2
    colour = compare(snaps["identical"], snaps["price colour to blue"], rules=IgnoreRules(properties=("color",)))
    assert colour.ignored_counts["property:color"] >= 1
    assert not any(m.property == "color" for m in colour.mismatches)
