"""Tests of widgets.api: real encoders against their published encodings and closed-form lengths, GraphQL
against REST on one data set, and polling against push: closed forms, a seeded simulation, and simpy as an
independent event-by-event engine.

References for what is checked here:
* Protocol Buffers, "Encoding" (https://protobuf.dev/programming-guides/encoding/): base-128 varints, 7 bits a
  byte (1 byte below 128, 2 below 16,384); its worked examples: field 1 = 150 is ``08 96 01``, field 2 =
  "testing" is ``12 07 74 65 73 74 69 6e 67``, packed field 6 = [3, 270, 86942] is ``32 06 03 8e 02 9e a7 05``;
  proto3 does not send a scalar equal to its default.
* Apache Avro 1.11 specification, "Binary Encoding": longs are zig-zag varints (its table: 0 -> 00, -1 -> 01,
  1 -> 02, -2 -> 03, 2 -> 04, -64 -> 7f, 64 -> 80 01); the string "foo" is ``06 66 6f 6f``; arrays are blocks
  of a count and items, ended by a count of 0; "Object Container Files": magic ``Obj\\x01``, a metadata map
  (avro.schema, avro.codec), a 16-byte sync marker, then blocks (count, byte size, data, sync marker).
* MessagePack specification (https://github.com/msgpack/msgpack/blob/master/spec.md): positive fixint below
  128, uint 8/16/32/64 with a 1-byte tag, fixstr up to 31 bytes, float 64 as 9 bytes, fixmap and fixarray up
  to 15 entries, array 16 up to 65,535, timestamp 32 as ``d6 ff`` and 4 bytes of seconds.
* RFC 1952 (gzip): a 10-byte header and an 8-byte trailer (CRC-32, size) around a DEFLATE stream (RFC 1951).
* RFC 8259 (JSON); the GraphQL specification (October 2021), section 6 "Execution": a response's data has
  exactly the fields the query selects.
* Poisson arrivals see time averages: Wolff (1982), "Poisson Arrivals See Time Averages", Operations
  Research 30(2), which gives the long-polling delay's mixture.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import math
import zlib
from importlib.metadata import version

import fastavro
import graphql
import msgpack
import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import api
from widgets.api import encoders, fetching, model, polling, records
from widgets.api.records import Field

KINDS, FORMATS = tuple(records.KINDS), encoders.FORMATS
kinds, formats = st.sampled_from(KINDS), st.sampled_from(FORMATS)
seeds = st.integers(0, 10**6)


def compact_json(value) -> bytes:
    """JSON as the tests write it: compact separators, UTF-8."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def as_json_value(record: dict) -> dict:
    """A record with its datetimes as RFC 3339 text, written out independently of the model."""
    return {k: v.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(v, dt.datetime) else v for k, v in record.items()}


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


@given(kind=kinds, n=st.integers(1, 40), seed=seeds)
def test_records_follow_their_field_table(kind, n, seed):
    fields = records.kind_fields(kind)
    python_types = {"int": int, "float": float, "str": str, "timestamp": dt.datetime, "int_list": list,
                    "float_list": list, "str_list": list}
    for record in records.make_records(kind, n, seed=seed):
        assert list(record) == [f.name for f in fields]
        for f in fields:
            value = record[f.name]
            if f.type == "optional_int":
                assert value is None or (isinstance(value, int) and value >= 0)
            else:
                assert isinstance(value, python_types[f.type]) and not isinstance(value, bool)
            if f.type == "timestamp":
                assert value.tzinfo is not None and value.microsecond == 0


def test_records_are_seeded_and_a_longer_batch_extends_a_shorter():
    assert records.make_records("user", 50, seed=3) == records.make_records("user", 50, seed=3)
    assert records.make_records("user", 50, seed=3) != records.make_records("user", 50, seed=4)
    assert records.make_records("order", 80, seed=1)[:20] == records.make_records("order", 20, seed=1)


def test_records_handed_out_are_copies():
    first = records.make_records("user", 5, seed=0)
    first[0]["tags"].append("changed")
    first[1]["name"] = "changed"
    assert records.make_records("user", 5, seed=0)[0]["tags"][-1:] != ["changed"]
    assert records.make_records("user", 5, seed=0)[1]["name"] != "changed"


# --------------------------------------------------------------------------
# Encoders: round trips
# --------------------------------------------------------------------------


@settings(max_examples=60)
@given(kind=kinds, fmt=formats, n=st.integers(1, 30), seed=seeds)
def test_decode_inverts_encode(kind, fmt, n, seed):
    batch = records.make_records(kind, n, seed=seed)
    c = encoders.codec(fmt, kind)
    assert c.read_many(c.many(batch)) == batch
    assert c.read_one(c.one(batch[0])) == batch[0]
    assert api.decode(api.encode(batch, kind, fmt), kind, fmt) == batch


@pytest.mark.parametrize("kind", KINDS)
def test_a_batch_of_1000_round_trips_in_every_format(kind):
    batch = records.make_records(kind, 1_000, seed=11)
    for fmt in FORMATS:
        assert api.decode(api.encode(batch, kind, fmt), kind, fmt) == batch, fmt


# --------------------------------------------------------------------------
# Encoders: published encodings and closed-form lengths
# --------------------------------------------------------------------------


def test_protobuf_encodings_match_the_encoding_guides_examples():
    """The three worked examples of protobuf.dev's encoding guide, byte for byte."""
    assert encoders.codec("protobuf", (Field("a", "int"),)).one({"a": 150}).hex() == "089601"
    two = (Field("a", "int"), Field("b", "str"))
    assert encoders.codec("protobuf", two).one({"a": 0, "b": "testing"}).hex() == "120774657374696e67"
    six = tuple(Field(f"x{k}", "int") for k in range(1, 6)) + (Field("f", "int_list"),)
    packed = encoders.codec("protobuf", six).one({**{f"x{k}": 0 for k in range(1, 6)}, "f": [3, 270, 86942]})
    assert packed.hex() == "3206038e029ea705"


@given(n=st.integers(0, 2**63 - 1))
def test_protobuf_int_is_a_tag_and_a_varint(n):
    """One byte of tag (field 1, wire type 0), then the varint; proto3 sends nothing for 0, its default."""
    size = len(encoders.codec("protobuf", (Field("n", "int"),)).one({"n": n}))
    assert size == (0 if n == 0 else 1 + encoders.varint_length(n))


def test_varint_lengths_at_the_documented_edges():
    """1 byte below 128, 2 below 16,384 (2**14), 3 below 2**21, ..., 9 below 2**63, 10 from 2**63 up."""
    for bytes_ in range(1, 10):
        assert encoders.varint_length(2 ** (7 * bytes_) - 1) == bytes_
        assert encoders.varint_length(2 ** (7 * bytes_)) == bytes_ + 1
    assert encoders.varint_length(127) == 1 and encoders.varint_length(16_383) == 2
    assert encoders.varint_length(16_384) == 3 and encoders.varint_length(2**64 - 1) == 10


AVRO_ZIGZAG_TABLE = {0: (0, "00"), -1: (1, "01"), 1: (2, "02"), -2: (3, "03"), 2: (4, "04"), -64: (127, "7f"),
                     64: (128, "8001")}


def test_avro_longs_match_the_specifications_table():
    one = encoders.codec("avro", (Field("n", "int"),)).one
    for value, (mapped, hex_) in AVRO_ZIGZAG_TABLE.items():
        assert encoders.zigzag(value) == mapped and one({"n": value}).hex() == hex_
    assert encoders.codec("avro", (Field("s", "str"),)).one({"s": "foo"}).hex() == "06666f6f"


@given(n=st.integers(-(2**63), 2**63 - 1))
def test_avro_long_is_a_zigzag_varint(n):
    assert len(encoders.codec("avro", (Field("n", "int"),)).one({"n": n})) == encoders.varint_length(
        encoders.zigzag(n))


@given(n=st.integers(0, 2**64 - 1))
def test_msgpack_uint_lengths(n):
    expected = 1 if n < 128 else 2 if n < 2**8 else 3 if n < 2**16 else 5 if n < 2**32 else 9
    assert len(msgpack.packb(n)) == expected


@given(text=st.text(max_size=300), x=st.floats(allow_nan=False))
def test_msgpack_str_and_float_lengths(text, x):
    n = len(text.encode("utf-8"))
    assert len(msgpack.packb(text)) == n + (1 if n <= 31 else 2 if n < 2**8 else 3)
    assert len(msgpack.packb(x)) == 9


def test_msgpack_record_is_a_map_with_its_keys():
    """fixmap tag, then each key as fixstr and its value; a timestamp in whole seconds is timestamp 32."""
    stamp = dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc)
    data = encoders.codec("msgpack", (Field("created_at", "timestamp"),)).one({"created_at": stamp})
    assert data[:1] == b"\x81" and data[1:12] == b"\xaacreated_at" and data[12:14] == b"\xd6\xff"
    assert int.from_bytes(data[14:], "big") == int(stamp.timestamp()) and len(data) == 18


@settings(max_examples=30)
@given(kind=kinds, n=st.integers(1, 60), seed=seeds)
def test_batches_are_their_records_plus_framing(kind, n, seed):
    """JSON: [a,b,...]; MessagePack: an array header; Avro: one block (count, items, 0); protobuf: each
    record as field 1, length-delimited."""
    batch = records.make_records(kind, n, seed=seed)
    one = {fmt: [len(encoders.codec(fmt, kind).one(r)) for r in batch] for fmt in FORMATS}
    size = {fmt: len(api.encode(batch, kind, fmt)) for fmt in FORMATS}
    assert size["json"] == sum(one["json"]) + 2 + (n - 1)
    assert size["msgpack"] == sum(one["msgpack"]) + (1 if n <= 15 else 3)
    assert size["avro"] == sum(one["avro"]) + encoders.varint_length(encoders.zigzag(n)) + 1
    assert size["protobuf"] == sum(1 + encoders.varint_length(k) + k for k in one["protobuf"])


@settings(max_examples=20)
@given(kind=kinds, n=st.integers(1, 200), seed=seeds)
def test_json_bytes_are_json_dumps(kind, n, seed):
    batch = records.make_records(kind, n, seed=seed)
    expected = len(compact_json([as_json_value(r) for r in batch]))
    assert model.payload_sizes(kind, n, seed=seed).loc["json", "batch"] == expected
    assert len(api.encode(batch, kind, "json")) == expected


@given(data=st.binary(max_size=5_000), level=st.integers(1, 9))
def test_gzip_is_deflate_in_18_bytes_of_framing(data, level):
    deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
    raw = deflate.compress(data) + deflate.flush()
    assert len(encoders.gzipped(data, level)) == len(raw) + 18
    assert gzip.decompress(encoders.gzipped(data, level)) == data


@pytest.mark.parametrize("kind", KINDS)
def test_avro_container_header_as_the_specification_lays_it_out(kind):
    """magic (4) + metadata map (one block of 2 entries, string keys and bytes values, then 0) + sync (16)."""
    batch = records.make_records(kind, 40, seed=2)
    data = encoders.avro_container(batch, kind)
    meta = fastavro.reader(io.BytesIO(data)).metadata
    assert data[:4] == b"Obj\x01" and set(meta) == {"avro.schema", "avro.codec"}

    def entry(text: str) -> int:
        n = len(text.encode("utf-8"))
        return encoders.varint_length(encoders.zigzag(n)) + n

    header = 4 + 1 + sum(entry(k) + entry(v) for k, v in meta.items()) + 1 + 16
    body = [len(encoders.codec("avro", kind).one(r)) for r in batch]
    header_bytes, framing = encoders.avro_container_overhead(batch, kind)
    assert header_bytes == header
    block = sum(body)  # 40 records stay under fastavro's 16,000-byte block: one block
    assert framing == encoders.varint_length(encoders.zigzag(40)) + encoders.varint_length(encoders.zigzag(block)) + 16
    assert list(fastavro.reader(io.BytesIO(data))) == batch


# --------------------------------------------------------------------------
# Payloads: what the comparison teaches
# --------------------------------------------------------------------------


@settings(max_examples=25)
@given(kind=st.sampled_from(("order", "reading")), n=st.integers(1, 100), seed=seeds)
def test_binary_formats_are_smaller_than_json_for_numeric_records(kind, n, seed):
    sizes = model.payload_sizes(kind, n, seed=seed)
    for fmt in ("msgpack", "avro", "protobuf"):
        assert sizes.loc[fmt, "batch"] < sizes.loc["json", "batch"]
    assert sizes.loc["avro", "batch"] < sizes.loc["msgpack", "batch"]  # no field names in the bytes


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gzip_helps_json_most(kind, seed):
    sizes = model.payload_sizes(kind, 200, seed=seed)
    ratio = sizes["batch_gzip"] / sizes["batch"]
    assert ratio.idxmin() == "json" and ratio["json"] < 0.5


@settings(max_examples=20)
@given(kind=kinds, seed=seeds)
def test_gzip_makes_one_binary_record_bigger(kind, seed):
    sizes = model.payload_sizes(kind, 1, seed=seed)
    for fmt in ("msgpack", "avro", "protobuf"):
        assert sizes.loc[fmt, "batch_gzip"] > sizes.loc[fmt, "batch"]


def test_payload_table_is_consistent():
    sizes = model.payload_sizes("user", 100, seed=5)
    assert list(sizes.index) == list(FORMATS)
    assert (sizes["per_record"] * 100).tolist() == pytest.approx(sizes["batch"].tolist())
    assert sizes.loc["json", "vs_json"] == 1.0 == sizes.loc["json", "vs_json_gzip"]
    batch = records.make_records("user", 100, seed=5)
    alone = [len(gzip.compress(compact_json(as_json_value(r)), 6, mtime=0)) for r in batch[:model.ALONE]]
    assert sizes.loc["json", "alone_gzip"] == pytest.approx(sum(alone) / len(alone))


def test_measure_codec_times_measures_every_format():
    """A measurement: only its shape and sign are checked, never its values."""
    times = model.measure_codec_times("order", 20, runs=3)
    assert list(times.index) == list(FORMATS)
    assert np.isfinite(times.to_numpy()).all() and (times.to_numpy() > 0).all()


def test_stored_run_is_complete_and_of_these_libraries():
    """The stored run covers every kind and format, and was measured with the pinned libraries (after a
    version bump, run benchmarks/api_encoding.py again)."""
    run = model.stored_timings()
    assert {(k, f) for k, f, *_ in run.timings} == {(k, f) for k in KINDS for f in FORMATS}
    assert all(x > 0 and math.isfinite(x) for *_, e, d, g in run.timings for x in (e, d, g))
    dt.date.fromisoformat(run.date)
    assert run.command.startswith("python benchmarks/api_encoding.py") and run.cpu_count >= 1
    versions = dict(run.versions)
    assert versions["msgpack"] == version("msgpack") and versions["fastavro"] == version("fastavro")
    assert versions["protobuf"].split()[0] == version("protobuf")
    table = run.table("user")
    assert table["encode_us_per_record"].tolist() == pytest.approx((table["encode_ms"] * 1e3 / run.batch).tolist())


# --------------------------------------------------------------------------
# GraphQL against REST
# --------------------------------------------------------------------------


def selected(selection_set) -> dict:
    """The fields a parsed query selects, nested, read from graphql-core's AST."""
    return {f.name.value: selected(f.selection_set) if f.selection_set else None for f in selection_set.selections}


def has_exactly(value, fields) -> bool:
    if fields is None:  # a leaf: a scalar, or a list of scalars
        return not isinstance(value, dict) and not (isinstance(value, list) and any(isinstance(v, dict) for v in value))
    if isinstance(value, list):
        return all(has_exactly(item, fields) for item in value)
    return set(value) == set(fields) and all(has_exactly(value[k], fields[k]) for k in fields)


@pytest.mark.parametrize("query", [
    fetching.PROFILE_QUERY,
    "{ user(id: 1) { username followers(first: 2) { name location } posts(first: 5) { id tags } } }",
    "{ user(id: 1) { email posts(first: 1) { author { verified } } } }",
])
def test_graphql_response_has_exactly_the_requested_fields(query):
    data = fetching.social_data(50)
    body = fetching.graphql_execute(data, query, {"id": "1"})
    operation = graphql.parse(query).definitions[0]
    assert set(body) == {"data"} and has_exactly(body["data"], selected(operation.selection_set))


def test_the_profile_query_gets_three_posts_and_the_count():
    user = fetching.graphql_execute(fetching.social_data(77))["data"]["user"]
    assert len(user["posts"]) == 3 and user["follower_count"] == 77


@pytest.mark.parametrize("followers", [0, 5, 30, 61, 300])
@pytest.mark.parametrize("follower_total", [True, False])
def test_rest_bytes_are_the_real_json(followers, follower_total):
    data = fetching.social_data(followers)
    fetch = fetching.rest_screen(data, follower_total=follower_total)
    for e in fetch.exchanges:
        body = fetching.rest_get(data, e.path, follower_total=follower_total)
        assert e.response_bytes == len(compact_json(body)) and e.request_bytes == 0
        assert e.gzip_bytes == len(gzip.compress(compact_json(body), 6, mtime=0))
    user = data.users[fetching.PROFILE_ID]
    shown = {"name": user["name"], "avatar_url": user["avatar_url"]}
    assert fetch.exchanges[0].over_fetched_bytes == len(compact_json(user)) - len(compact_json(shown))
    first_page = fetching.rest_get(data, "/users/1/followers")
    assert len(first_page["items"]) == min(followers, 30)
    assert all(item == data.users[item["id"]] for item in first_page["items"])  # whole resources


def test_graphql_request_and_response_bytes_are_real():
    data = fetching.social_data(300)
    fetch = fetching.graphql_screen(data)
    (e,) = fetch.exchanges
    request = {"query": fetching.PROFILE_QUERY, "operationName": "Profile", "variables": {"id": "1"}}
    assert e.request_bytes == len(compact_json(request))
    assert e.response_bytes == len(compact_json(fetching.graphql_execute(data)))
    assert fetch.over_fetched_bytes == 0


@pytest.mark.parametrize("followers", [0, 1, 29, 30, 31, 59, 60, 61, 300, 1_000])
@pytest.mark.parametrize("follower_total", [True, False])
@pytest.mark.parametrize("parallel", [True, False])
def test_round_trips_in_closed_form(followers, follower_total, parallel):
    """With a total: 3 requests; without: 2 + max(1, ceil(F/30)) pages. In parallel the first three share a
    round trip and each later page needs one more; one after another, every request is a round trip."""
    pages = 1 if follower_total else max(1, math.ceil(followers / 30))
    fetch = fetching.rest_screen(fetching.social_data(followers), follower_total=follower_total, parallel=parallel)
    assert fetch.requests == 2 + pages
    assert fetch.round_trips == (pages if parallel else 2 + pages)
    assert fetching.rest_round_trips(followers, follower_total=follower_total, parallel=parallel) == (
        fetch.requests, fetch.round_trips)
    assert fetching.graphql_screen(fetching.social_data(followers)).round_trips == 1


@pytest.mark.parametrize("followers", [0, 12, 300, 3_000])
def test_both_apis_show_the_same_screen(followers):
    data = fetching.social_data(followers, seed=4)
    newest = [p["title"] for p in data.posts[fetching.PROFILE_ID][:3]]
    screens = [fetching.rest_screen(data, follower_total=t).screen for t in (True, False)]
    screens.append(fetching.graphql_screen(data).screen)
    for screen in screens:
        assert screen["post_titles"] == newest and screen["follower_count"] == followers
        assert screen == screens[0]


def test_the_profile_is_the_same_whatever_the_follower_count():
    screens = [fetching.graphql_screen(fetching.social_data(f)).screen for f in (0, 12, 3_000)]
    assert [s.pop("follower_count") for s in screens] == [0, 12, 3_000]
    assert screens[0] == screens[1] == screens[2]


@given(rounds=st.integers(0, 500), size=st.integers(0, 10**8), rtt=st.floats(0, 1e4), bandwidth=st.floats(0.01, 1e5))
def test_screen_time_is_round_trips_times_rtt_plus_transfer(rounds, size, rtt, bandwidth):
    expected = rounds * rtt + size * 8 / (bandwidth * 1e6) * 1e3
    assert fetching.screen_time_ms(rounds, size, rtt, bandwidth) == pytest.approx(expected)


@settings(max_examples=30)
@given(followers=st.sampled_from((0, 12, 300, 1_000)), total=st.booleans(), parallel=st.booleans(),
       rtt=st.floats(0, 1_000), bandwidth=st.floats(0.1, 1_000))
def test_graphql_never_loads_the_screen_slower_here(followers, total, parallel, rtt, bandwidth):
    p = fetching.fetch_profile(followers, follower_total=total, parallel=parallel)
    assert p.graphql.total_bytes < p.rest.total_bytes and p.graphql.round_trips <= p.rest.round_trips
    assert p.graphql.time_ms(rtt, bandwidth) <= p.rest.time_ms(rtt, bandwidth)


def test_prune_keeps_only_what_is_named():
    value = {"a": 1, "b": {"c": 2, "d": 3}, "e": [{"f": 4, "g": 5}] * 4}
    assert fetching.prune(value, {"b": {"d"}, "e": (2, {"g"})}) == {"b": {"d": 3}, "e": [{"g": 5}, {"g": 5}]}
    assert fetching.prune(value, set()) == {} and fetching.prune(value, True) == value


# --------------------------------------------------------------------------
# Polling against push: closed forms
# --------------------------------------------------------------------------

clients_st = st.integers(1, 10**6)
rate_st = st.floats(1e-4, 10)
rtt_st = st.floats(0, 1_000)


@given(n=clients_st, rate=rate_st, poll=st.floats(0.01, 1_000), rtt=rtt_st)
def test_short_polling_closed_form(n, rate, poll, rtt):
    d = polling.short_polling(n, rate, poll, rtt)
    assert d.requests_per_s == pytest.approx(n / poll)
    assert d.mean_delay_ms == pytest.approx(poll * 500 + rtt / 2)
    assert d.p99_delay_ms == pytest.approx(0.99 * poll * 1e3 + rtt / 2)
    assert d.empty_per_s == pytest.approx(n / poll * math.exp(-rate * poll))


@given(n=clients_st, timeout=st.floats(1, 300), rtt=rtt_st)
def test_idle_long_polling_is_n_over_the_timeout(n, timeout, rtt):
    """With (almost) no messages every request times out: N / (τ + RTT) requests a second."""
    d = polling.long_polling(n, 1e-9, timeout, rtt)
    assert d.requests_per_s == pytest.approx(n / (timeout + rtt / 1e3), rel=1e-6)
    assert d.empty_per_s == pytest.approx(d.requests_per_s, rel=1e-6)
    assert d.mean_delay_ms == pytest.approx(rtt / 2 * (1 + rtt / 1e3 / (timeout + rtt / 1e3)))


@given(n=clients_st, rate=rate_st, timeout=st.floats(1, 300))
def test_long_polling_on_a_zero_rtt_is_a_request_a_message_plus_timeouts(n, rate, timeout):
    """With RTT 0 every message ends a request and every idle τ does too: N λ / (1 − e^(−λτ)) requests/s,
    of which N λ e^(−λτ) / (1 − e^(−λτ)) time out; the rest, N λ, carry one message each."""
    d = polling.long_polling(n, rate, timeout, 0.0)
    assert d.requests_per_s == pytest.approx(n * rate / -math.expm1(-rate * timeout))
    assert d.requests_per_s - d.empty_per_s == pytest.approx(n * rate)
    assert d.mean_delay_ms == 0 and d.p99_delay_ms == 0


@given(n=clients_st, rate=rate_st, timeout=st.floats(1, 300), rtt=st.floats(0.1, 1_000))
def test_long_polling_bounds(n, rate, timeout, rtt):
    """Never more requests than one per RTT a client, nor fewer than N/(τ + RTT); the mean delay in
    [RTT/2, RTT] and the 99th percentile in [RTT/2, 3 RTT/2] (half an RTT back, plus at most the gap)."""
    d = polling.long_polling(n, rate, timeout, rtt)
    assert n / (timeout + rtt / 1e3) * (1 - 1e-9) <= d.requests_per_s <= n / (rtt / 1e3) * (1 + 1e-9)
    assert rtt / 2 <= d.mean_delay_ms <= rtt * (1 + 1e-9)
    assert rtt / 2 <= d.p99_delay_ms <= 1.5 * rtt * (1 + 1e-9)


def test_busy_long_polling_is_about_one_request_a_message():
    d = polling.long_polling(10_000, 0.5, 30.0, 10.0)  # λτ = 15, λR = 0.005
    assert d.requests_per_s == pytest.approx(10_000 * 0.5, rel=0.01)


@given(n=clients_st, rate=rate_st, rtt=rtt_st)
def test_push_sends_the_messages_and_nothing_else(n, rate, rtt):
    d = polling.push(n, rate, rtt)
    assert (d.requests_per_s, d.empty_per_s) == (0, 0) and d.frames_per_s == pytest.approx(n * rate)
    assert d.mean_delay_ms == d.p99_delay_ms == rtt / 2


# --------------------------------------------------------------------------
# Polling against push: the simulation, against the closed forms and against simpy
# --------------------------------------------------------------------------


def test_poisson_arrivals_have_the_rate():
    streams = polling.poisson_arrivals(0.5, 100.0, 400, seed=3)
    counts = np.array([len(s) for s in streams])
    assert abs(counts.mean() - 50) < 3 * math.sqrt(50 / 400) and abs(counts.var() / 50 - 1) < 0.25
    gaps = np.concatenate([np.diff(s) for s in streams])
    assert gaps.mean() == pytest.approx(2.0, rel=0.03) and np.std(gaps) == pytest.approx(2.0, rel=0.05)


SCENARIOS = [  # clients, λ, P, τ, RTT: the view's presets, and a fast network with short timeouts
    (10_000, 1 / 60, 5.0, 30.0, 100.0),
    (10_000, 2.0, 5.0, 30.0, 100.0),
    (10_000, 1 / 3_600, 5.0, 30.0, 100.0),
    (100, 0.3, 0.5, 5.0, 400.0),
]


@pytest.mark.parametrize("n, rate, poll, timeout, rtt", SCENARIOS)
def test_simulation_agrees_with_the_closed_forms(n, rate, poll, timeout, rtt):
    closed = polling.closed_forms(n, rate, poll, timeout, rtt)
    simulated = polling.simulate_delivery(n, rate, poll, timeout, rtt, messages=60_000, seed=9)
    for c, s in zip(closed, simulated):
        assert s.requests_per_s == pytest.approx(c.requests_per_s, rel=0.02, abs=1e-9), c.mechanism
        assert s.frames_per_s == pytest.approx(c.frames_per_s, rel=0.02, abs=1e-9), c.mechanism
        assert s.empty_per_s == pytest.approx(c.empty_per_s, rel=0.05, abs=0.002 * c.requests_per_s), c.mechanism
        assert s.mean_delay_ms == pytest.approx(c.mean_delay_ms, rel=0.02), c.mechanism
        assert s.p99_delay_ms == pytest.approx(c.p99_delay_ms, rel=0.04), c.mechanism


def simpy_long_poll(arrivals, timeout_s, rtt_ms, horizon_s):
    """Long polling written as simpy processes: the source queues messages at the server; the client's
    request waits for a message or the timeout, takes the whole queue, and the next request reaches the
    server one RTT after the answer left."""
    env, r = simpy.Environment(), rtt_ms / 1e3
    queue, delays, counts = [], [], {"requests": 0, "timeouts": 0}
    signal = {"event": env.event()}

    def source():
        for t in arrivals:
            yield env.timeout(t - env.now)
            queue.append(t)
            signal["event"].succeed()
            signal["event"] = env.event()

    def client():
        while True:
            counts["requests"] += env.now <= horizon_s
            if not queue:
                yield signal["event"] | env.timeout(timeout_s)
                if not queue:
                    counts["timeouts"] += env.now <= horizon_s
            delays.extend((env.now - t) * 1e3 + rtt_ms / 2 for t in queue)
            queue.clear()
            yield env.timeout(r)

    env.process(source())
    env.process(client())
    env.run(until=horizon_s + timeout_s + 3 * r + 1)
    return delays, counts["requests"], counts["timeouts"]


def simpy_short_poll(arrivals, phase_s, poll_s, rtt_ms, horizon_s):
    env = simpy.Environment()
    queue, delays = [], []

    def source():
        for t in arrivals:
            yield env.timeout(t - env.now)
            queue.append(t)

    def client():
        yield env.timeout(phase_s)
        while True:
            delays.extend((env.now - t) * 1e3 + rtt_ms / 2 for t in queue)
            queue.clear()
            yield env.timeout(poll_s)

    env.process(source())
    env.process(client())
    env.run(until=horizon_s + poll_s + 1)
    return delays


@pytest.mark.parametrize("seed, rate, timeout, rtt", [(1, 0.05, 30.0, 100.0), (2, 2.0, 30.0, 100.0),
                                                      (3, 0.3, 5.0, 400.0), (4, 10.0, 1.0, 250.0)])
def test_long_polling_matches_simpy_event_by_event(seed, rate, timeout, rtt):
    horizon = 2_000 / rate
    (arrivals,) = polling.poisson_arrivals(rate, horizon, 1, seed=seed)
    delays, requests, timeouts = polling.long_poll_client(arrivals.tolist(), timeout, rtt, horizon)
    oracle_delays, oracle_requests, oracle_timeouts = simpy_long_poll(arrivals.tolist(), timeout, rtt, horizon)
    assert (requests, timeouts) == (oracle_requests, oracle_timeouts)
    assert len(delays) == len(arrivals) and delays == pytest.approx(oracle_delays, abs=1e-6)


@pytest.mark.parametrize("seed, rate, poll", [(1, 0.05, 5.0), (2, 2.0, 1.0), (3, 0.3, 0.25)])
def test_short_polling_matches_simpy_event_by_event(seed, rate, poll):
    horizon = 1_000 / rate
    (arrivals,) = polling.poisson_arrivals(rate, horizon, 1, seed=seed)
    delays = polling.short_poll_delays(arrivals, 0.37 * poll, poll, 120.0)
    assert delays.tolist() == pytest.approx(simpy_short_poll(arrivals.tolist(), 0.37 * poll, poll, 120.0, horizon),
                                            abs=1e-6)


def test_simulated_push_delivers_every_message_after_half_an_rtt():
    *_, push = polling.simulate_delivery(500, 0.2, 5.0, 30.0, 80.0, seed=1)
    assert push.mean_delay_ms == push.p99_delay_ms == 40.0 and push.requests_per_s == 0


def test_simulation_is_seeded():
    assert polling.simulate_delivery(1_000, 0.1, (1.0, 5.0), 30.0, 100.0, seed=5) == polling.simulate_delivery(
        1_000, 0.1, (1.0, 5.0), 30.0, 100.0, seed=5)


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------

BAD = [
    (lambda: records.make_records("invoice", 3), "kind must be one of 'user', 'order', 'reading', got 'invoice'"),
    (lambda: records.make_records("user", 0), "n must be an integer in [1, 100000], got 0"),
    (lambda: records.make_records("user", 3, seed=-1), "seed must be an integer in [0, "),
    (lambda: encoders.codec("xml", "user"), "fmt must be one of 'json', 'msgpack', 'avro', 'protobuf', got 'xml'"),
    (lambda: encoders.codec("json", (Field("x", "decimal"),)), "type of field 'x' must be one of 'int'"),
    (lambda: encoders.codec("json", ()), "kind must be one of 'user', 'order', 'reading' or a tuple of Field"),
    (lambda: api.encode([], "user", "yaml"), "fmt must be one of"),
    (lambda: encoders.gzipped(b"x", 0), "level must be an integer in [1, 9], got 0"),
    (lambda: encoders.varint_length(-1), "n must be an integer in [0, 18446744073709551615], got -1"),
    (lambda: encoders.zigzag(2**63), "n must be an integer in [-9223372036854775808, 9223372036854775807]"),
    (lambda: encoders.avro_schema("invoice"), "kind must be one of"),
    (lambda: model.payload_sizes("user", 0), "batch must be an integer in [1, 100000], got 0"),
    (lambda: model.payload_sizes("user", 10, level=10), "level must be an integer in [1, 9], got 10"),
    (lambda: model.payload_sizes("ticket", 10), "kind must be one of 'user', 'order', 'reading', got 'ticket'"),
    (lambda: model.avro_file_overhead("user", -5), "batch must be an integer in [1, 100000], got -5"),
    (lambda: model.measure_codec_times("user", 10, runs=0), "runs must be an integer in [1, 1000], got 0"),
    (lambda: model.stored_timings("/nonexistent/run.json"),
     "path must name a stored run of benchmarks/api_encoding.py"),
    (lambda: fetching.social_data(-1), "followers must be an integer in [0, 100000], got -1"),
    (lambda: fetching.fetch_profile(10, parallel="yes"), "parallel must be one of True, False, got 'yes'"),
    (lambda: fetching.fetch_profile(10, follower_total=1), "follower_total must be one of True, False, got 1"),
    (lambda: fetching.rest_get(fetching.social_data(3), "/posts/1"), "path must be /users/{id}[/posts|/followers]"),
    (lambda: fetching.rest_get(fetching.social_data(3), "/users/99"), "path must be /users/{id}"),
    (lambda: fetching.graphql_execute(fetching.social_data(3), "{ user(id: 1) { password } }"),
     "query must be valid GraphQL for the profile schema, got errors: Cannot query field 'password'"),
    (lambda: fetching.rest_round_trips(-3), "followers must be an integer in [0, 100000], got -3"),
    (lambda: fetching.screen_time_ms(1, 100, -1.0, 10), "rtt_ms must be a number in [0, 1e9], got -1.0"),
    (lambda: fetching.screen_time_ms(1, 100, 50, 0), "bandwidth_mbps must be a number in (0, 1e6], got 0"),
    (lambda: fetching.screen_time_ms(-1, 100, 50, 10), "round_trips must be an integer in [0, 1000000000], got -1"),
    (lambda: polling.short_polling(0, 1.0, 5.0, 100.0), "clients must be an integer in [1, 10000000], got 0"),
    (lambda: polling.short_polling(10, 0.0, 5.0, 100.0), "rate must be a number in (0, 10000], got 0.0"),
    (lambda: polling.short_polling(10, 1.0, 0.0, 100.0), "poll_s must be a number in (0, 100000], got 0.0"),
    (lambda: polling.long_polling(10, 1.0, -1.0, 100.0), "timeout_s must be a number in (0, 100000], got -1.0"),
    (lambda: polling.push(10, 1.0, math.nan), "rtt_ms must be a number in [0, 1e9], got nan"),
    (lambda: polling.long_poll_cycle_s(1.0, 30.0, -5.0), "rtt_ms must be a number in [0, 1e9], got -5.0"),
    (lambda: polling.poisson_arrivals(1.0, 0.0), "horizon_s must be a number in (0, 1e9], got 0.0"),
    (lambda: polling.simulation_plan(10, 1.0, 30.0, 100.0, messages=0), "messages must be an integer in [1, "),
    (lambda: polling.simulate_delivery(10, 1.0, (5.0, -1.0), 30.0, 100.0), "poll_s must be a number in (0, 100000]"),
    (lambda: polling.simulate_delivery(10, 1.0, 5.0, 30.0, 100.0, seed=-2), "seed must be an integer in [0, "),
]


@pytest.mark.parametrize("call, message", BAD, ids=[message[:40] for _, message in BAD])
def test_bad_input_names_the_parameter_and_range(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)
