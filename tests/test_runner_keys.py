"""Input keys, user selection and shards: stable, complete, and blind to what cannot change a result."""

from __future__ import annotations

from dataclasses import replace

import pytest

from harness.errors import ConfigError
from harness.model import Customization
from harness.packs import default_packs
from harness.runner.keys import code_digest, input_key, source_digest
from harness.runner.selection import Filters, Shard, select, shard_of
from harness.settings import Settings
from tests.test_runner_support import customization, invisible_diff, record

SETTINGS = Settings().settings_hash()


def key(*records: Customization, settings: str = SETTINGS, code: str | None = None) -> str:
    return input_key(records, default_packs(), settings, code=code)


def base() -> Customization:
    return customization(record("u1", invisible_diff(), truth="eligible", views_30d=10))


def test_the_key_ignores_ground_truth_and_where_the_record_was_read() -> None:
    one = base()
    moved = replace(one, source="other.jsonl:99", meta={**one.meta, "truth": {"user_verdict": "blocked"}})
    assert key(one) == key(moved)


@pytest.mark.parametrize("change", [
    pytest.param(lambda c: replace(c, diff=c.diff + b"\n"), id="diff"),
    pytest.param(lambda c: replace(c, base_version="1.1.0"), id="base-version"),
    pytest.param(lambda c: replace(c, meta={**c.meta, "views_30d": 11}), id="meta"),
])
def test_the_key_changes_with_the_record(change: object) -> None:
    assert callable(change)
    assert key(base()) != key(change(base()))


def test_the_key_changes_with_settings_and_code() -> None:
    one = base()
    assert key(one) != key(one, settings=Settings(pass_threshold=0.97).settings_hash())
    assert key(one, code="a") != key(one, code="b")


def test_the_code_digest_is_computed_from_the_sources() -> None:
    digest = code_digest()
    assert len(digest) == 64
    code_digest.cache_clear()
    assert code_digest() == digest, "the same files give the same digest"


def test_source_digest_sees_truth_and_order_of_records() -> None:
    one = base()
    other = replace(one, meta={**one.meta, "truth": {"user_verdict": "blocked"}})
    assert source_digest([one]) != source_digest([other])


def test_shards_partition_the_fleet_stably() -> None:
    users = [f"u{i:04d}" for i in range(400)]
    owners = [shard_of(u, 4) for u in users]
    assert owners == [shard_of(u, 4) for u in users]
    assert {1, 2, 3, 4} == set(owners)
    assert all(60 < owners.count(k) < 140 for k in (1, 2, 3, 4)), "a hash spreads users evenly"
    assert all(Shard(k, 4).holds(u) == (shard_of(u, 4) == k) for u in users[:50] for k in (1, 2, 3, 4))


@pytest.mark.parametrize("text", ["0/3", "4/3", "1-3", "a/b", ""])
def test_a_bad_shard_says_how_to_write_one(text: str) -> None:
    with pytest.raises(ConfigError, match="like --shard 2/4"):
        Shard.parse(text)


def test_select_groups_filters_and_keys_users() -> None:
    rows = [customization(record(u, invisible_diff())) for u in ("b", "a", "c")]
    rows.append(customization(record("a", invisible_diff(component="quick-view"), component="quick-view")))
    selection = select(rows, Filters(), default_packs(), SETTINGS, source="test")
    assert [u.user_id for u in selection.users] == ["a", "b", "c"]
    assert [r.component for r in selection.users[0].records] == ["product-card", "quick-view"]
    only = select(rows, Filters(components=frozenset({"quick-view"})), default_packs(), SETTINGS)
    assert [u.user_id for u in only.users] == ["a"]
    assert only.source_digest == selection.source_digest, "the digest is of the whole source, before filters"
    shards = [select(rows, Filters(shard=Shard(k, 2)), default_packs(), SETTINGS) for k in (1, 2)]
    assert sorted(u.user_id for s in shards for u in s.users) == ["a", "b", "c"]


def test_selecting_a_user_the_source_does_not_have_is_a_usage_error() -> None:
    rows = [customization(record("a", invisible_diff()))]
    with pytest.raises(ConfigError, match="--user zz is not in the source"):
        select(rows, Filters(users=frozenset({"zz"})), default_packs(), SETTINGS)
