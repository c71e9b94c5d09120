"""The worked interviews' numbers: estimates from the capacity model, schemas whose hot queries use an index on
real SQLite, deep dives that agree with the labs' closed forms, time plans that fill the interview."""

from __future__ import annotations

import math
import random
import sqlite3

import pytest

from widgets import drills, mock_interviews
from widgets.availability.model import k_of_n
from widgets.capacity.model import estimate
from widgets.mock_interviews.model import _DDL, _seed_news_feed
from widgets.sharding.model import expected_moved_fraction


def findings(interview: str, topic: str) -> dict[str, float]:
    return {f.label: f.value for f in mock_interviews.deep_dive(interview, topic).findings}


@pytest.mark.parametrize("interview", mock_interviews.INTERVIEWS)
def test_estimates_are_the_drills_answers(interview: str) -> None:
    rows = mock_interviews.estimates(interview)
    assert [(r.drill, r.answer) for r in rows] == [(d.id, d.answer) for d in drills.drills(interview)]
    assert all(r.label and r.answer_text in r.arithmetic for r in rows)


def test_peak_redirects_equal_the_capacity_model() -> None:
    row = next(r for r in mock_interviews.estimates("url_shortener") if r.drill == "url_peak_redirects")
    assert row.answer == pytest.approx(estimate(50_000_000, 20, peak_factor=3).peak_qps)
    assert row.answer == pytest.approx(50_000_000 * 20 / 86_400 * 3)


@pytest.mark.parametrize("interview", mock_interviews.INTERVIEWS)
def test_every_query_of_the_data_model_uses_a_key_or_an_index(interview: str) -> None:
    model = mock_interviews.data_model(interview)
    assert model.rows_per_table and all(n > 0 for n in model.rows_per_table.values())
    for run in model.runs:
        assert not any(step.strip().startswith("SCAN") for step in run.plan), (run.query.purpose, run.plan)


def test_a_taken_short_key_inserts_nothing_and_a_free_one_is_found_by_its_key() -> None:
    redirect, create, *_ = mock_interviews.data_model("url_shortener").runs
    assert redirect.plan == ("SEARCH links USING PRIMARY KEY (short_key=?)",)
    assert redirect.rows == (("https://example.org/page/0",),)
    assert create.rows == ()  # ON CONFLICT DO NOTHING: the key exists, nothing returned


def test_fan_out_writes_one_row_per_follower() -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript(_DDL["news_feed"])
    _seed_news_feed(conn, random.Random(0))
    followers = conn.execute("SELECT COUNT(*) FROM follows WHERE followee_id = 5").fetchone()[0]
    fan_out = mock_interviews.data_model("news_feed").runs[0]
    assert fan_out.rows == ((followers,),) and followers > 0


def test_a_retried_chat_message_is_found_and_a_new_one_takes_the_next_number() -> None:
    retry, numbering, sync, unread = mock_interviews.data_model("chat").runs
    (stored,), = retry.rows  # the first attempt, found by its client ID: the retry inserts nothing
    assert numbering.rows == ((stored + 1,),)  # it was the conversation's last message
    seqs = [row[0] for row in sync.rows]
    assert seqs == sorted(seqs) and all(seq > 3 for seq in seqs)


def test_sharding_deep_dive_agrees_with_the_closed_forms() -> None:
    f = findings("url_shortener", "sharding")
    assert f["keys moved, consistent hashing"] == pytest.approx(expected_moved_fraction(8, scheme="ring"), abs=0.02)
    assert f["keys moved, hash mod N"] == pytest.approx(expected_moved_fraction(8, scheme="modulo"), abs=0.01)
    assert f["busiest shard, 1 virtual node"] > f["busiest shard, 100 virtual nodes"] > 1


def test_availability_deep_dive_is_the_series_of_its_parts() -> None:
    f = findings("url_shortener", "availability")
    p = 0.999
    two_of_three = p**3 + 3 * p**2 * (1 - p)
    assert f["redirect servers (2 of 3 up)"] == pytest.approx(two_of_three) == pytest.approx(k_of_n(2, 3, p))
    assert f["the redirect path"] == pytest.approx(0.9999 * two_of_three * (1 - (1 - p) ** 2))
    assert f["downtime a year"] == pytest.approx((1 - f["the redirect path"]) * 365.25 * 24 * 60)


def test_rate_limit_deep_dive_admits_the_burst_and_the_refill() -> None:
    f = findings("url_shortener", "rate_limit")
    assert f["creates admitted"] == math.floor(20 + 9.9 * 10 / 60)  # a full bucket, then the refill over 9.9 s
    assert f["creates admitted"] + f["creates refused (HTTP 429)"] == 100


def test_cache_deep_dive_grows_with_the_cache_and_relieves_the_store() -> None:
    f = findings("url_shortener", "cache")
    hits = [f[f"LRU hit ratio, cache of {s} of the links"] for s in ("1%", "5%", "20%")]
    assert hits == sorted(hits) and 0 < hits[0] and hits[-1] < 1
    assert f["store reads at the peak, cache of 20%"] == pytest.approx(34_722 * (1 - hits[-1]))


def test_reconnect_deep_dive_is_the_queue_closed_form() -> None:
    f = findings("chat", "reconnect")
    spike, mu, normal, seconds = 400_000 / 10 + 2_000, 10 * 1_000, 2_000, 10
    assert f["backlog when the storm ends"] == pytest.approx((spike - mu) * seconds)
    assert f["time to drain it"] == pytest.approx((spike - mu) * seconds / (mu - normal))


def test_delivery_deep_dive_is_chapter_6s_closed_form() -> None:
    f = findings("chat", "delivery")
    assert f["short polling: requests"] == pytest.approx(10_000_000 / 10)
    assert f["push: frames"] == pytest.approx(10_000_000 * 40 / 86_400)
    assert f["push: mean delay"] == pytest.approx(150 / 2)


def test_fan_out_deep_dive_orders_the_strategies() -> None:
    f = findings("news_feed", "fanout")
    assert f["pull: fan-out writes"] == 0
    assert 0 < f["hybrid: fan-out writes"] < f["push: fan-out writes"]
    assert f["hybrid: the largest pushed post delivered in"] < f["push: the largest pushed post delivered in"]
    assert f["push: feed read, p99"] < f["hybrid: feed read, p99"] <= f["pull: feed read, p99"]


@pytest.mark.parametrize("interview", mock_interviews.INTERVIEWS)
def test_time_plan_fills_the_interview(interview: str) -> None:
    phases = mock_interviews.time_plan(interview)
    minutes, _ = mock_interviews.TIME_PLANS[interview]
    assert sum(p.minutes for p in phases) == minutes and phases[-1].end == minutes


def test_bad_names_are_value_errors_naming_the_parameter() -> None:
    with pytest.raises(ValueError, match="interview must be one of"):
        mock_interviews.data_model("search engine")
    with pytest.raises(ValueError, match="topic must be one of"):
        mock_interviews.deep_dive("chat", "cache")


@pytest.mark.parametrize("interview", mock_interviews.INTERVIEWS)
def test_views_render_the_model(interview: str) -> None:
    assert mock_interviews.estimates(interview)[0].label in mock_interviews.estimates_table(interview).data
    html = mock_interviews.data_model_view(interview).data
    assert "CREATE TABLE" in html and "EXPLAIN QUERY PLAN" in html
    assert "phase" in mock_interviews.time_plan_table(interview).data
