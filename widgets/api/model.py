"""API payloads, measured: the same records in JSON, MessagePack, Avro and Protocol Buffers, their real
bytes raw and gzip'd, one record alone and in a batch; and their encode and decode times, measured
by ``benchmarks/api_encoding.py`` and stored in ``measured_encoding.json`` beside this file.

The records and their field tables are in :mod:`.records`, the encoders in :mod:`.encoders`,
GraphQL against REST for one screen in :mod:`.fetching`, and polling against push in :mod:`.polling`.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from widgets import _check
from widgets._measure import median_ms

from .encoders import FORMATS, GZIP_LEVEL, avro_container_overhead, codec, gzipped
from .records import KINDS, MAX_RECORDS, make_records

#: How many records the "one record alone" figures average (the first of the batch).
ALONE = 10
#: Where ``benchmarks/api_encoding.py`` stores its run.
MEASURED_PATH = Path(__file__).with_name("measured_encoding.json")
_SIZE_COLUMNS = ("alone", "alone_gzip", "batch", "batch_gzip", "per_record", "per_record_gzip",
                 "vs_json", "vs_json_gzip")


def _check_kind(kind: str) -> str:
    return _check.choice("kind", kind, tuple(KINDS))


def payload_sizes(kind: str = "user", batch: int = 100, *, level: int = GZIP_LEVEL, seed: int = 0) -> pd.DataFrame:
    """Bytes of the same seeded records in every format, one row a format (:data:`FORMATS`, in order).

    Columns: ``alone`` and ``alone_gzip`` (one record sent by itself, the mean over the batch's first
    :data:`ALONE`), ``batch`` and ``batch_gzip`` (the whole batch as one payload), ``per_record`` and
    ``per_record_gzip`` (the batch's bytes over its records), ``vs_json`` and ``vs_json_gzip`` (the
    batch's bytes over JSON's). gzip at ``level`` (6, zlib's default, unless given).

    >>> t = payload_sizes("order", 100)
    >>> bool(t.loc["json", "batch"] > t.loc["protobuf", "batch"]), float(t.loc["json", "vs_json"])
    (True, 1.0)
    """
    kind = _check_kind(kind)
    batch = _check.integer("batch", batch, 1, MAX_RECORDS)
    level = _check.integer("level", level, 1, 9)
    return _sizes(kind, batch, level, _check.seed(seed)).copy()


@lru_cache(maxsize=64)
def _sizes(kind: str, batch: int, level: int, seed: int) -> pd.DataFrame:
    records = make_records(kind, batch, seed=seed)
    rows = {}
    for fmt in FORMATS:
        c = codec(fmt, kind)
        alone = [c.one(r) for r in records[:ALONE]]
        whole = c.many(records)
        rows[fmt] = {"alone": statistics.fmean(map(len, alone)),
                     "alone_gzip": statistics.fmean(len(gzipped(b, level)) for b in alone),
                     "batch": len(whole), "batch_gzip": len(gzipped(whole, level))}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["per_record"] = table["batch"] / batch
    table["per_record_gzip"] = table["batch_gzip"] / batch
    table["vs_json"] = table["batch"] / table.loc["json", "batch"]
    table["vs_json_gzip"] = table["batch_gzip"] / table.loc["json", "batch_gzip"]
    return table[list(_SIZE_COLUMNS)]


def avro_file_overhead(kind: str = "user", batch: int = 100, *, seed: int = 0) -> tuple[int, int]:
    """(header bytes, block framing bytes) an Avro container file of the batch adds to its schemaless
    records: the header carries the schema as JSON, so a file pays it once and a message each time.

    >>> header, framing = avro_file_overhead("user", 10)
    >>> header > 300, framing
    (True, 19)
    """
    kind = _check_kind(kind)
    batch = _check.integer("batch", batch, 1, MAX_RECORDS)
    return _avro_overhead(kind, batch, _check.seed(seed))


@lru_cache(maxsize=64)
def _avro_overhead(kind: str, batch: int, seed: int) -> tuple[int, int]:
    return avro_container_overhead(make_records(kind, batch, seed=seed), kind)


# ---------------------------------------------------------------- encode and decode times


def measure_codec_times(kind: str = "user", batch: int = 1_000, *, runs: int = 7, seed: int = 0) -> pd.DataFrame:
    """Measure (time.perf_counter, the median of ``runs`` runs, in ms) encoding the batch, decoding it,
    and gzip'ing the encoded bytes, per format. A measurement: the numbers differ run to run.

    >>> t = measure_codec_times("user", 10, runs=1)
    >>> list(t.index) == list(FORMATS), list(t.columns)
    (True, ['encode_ms', 'decode_ms', 'gzip_ms'])
    """
    kind = _check_kind(kind)
    batch = _check.integer("batch", batch, 1, MAX_RECORDS)
    runs = _check.integer("runs", runs, 1, 1_000)
    records = make_records(kind, batch, seed=_check.seed(seed))
    rows = {}
    for fmt in FORMATS:
        c = codec(fmt, kind)
        data = c.many(records)
        rows[fmt] = {"encode_ms": median_ms(lambda: c.many(records), runs),
                     "decode_ms": median_ms(lambda: c.read_many(data), runs),
                     "gzip_ms": median_ms(lambda: gzipped(data), runs)}
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass(frozen=True)
class EncodingRun:
    """A stored run of ``benchmarks/api_encoding.py``: when, where, how, and its medians."""

    date: str
    command: str
    cpu_count: int
    machine: str
    python: str
    versions: tuple[tuple[str, str], ...]
    batch: int
    runs: int
    gzip_level: int
    load_average: float  # the machine's 1-minute load average as the run ended
    timings: tuple[tuple[str, str, float, float, float], ...]  # kind, format, encode_ms, decode_ms, gzip_ms

    def table(self, kind: str) -> pd.DataFrame:
        """One kind's medians, one row a format: ms for the batch and µs a record.

        >>> run = stored_timings()
        >>> list(run.table("user").columns)
        ['encode_ms', 'decode_ms', 'gzip_ms', 'encode_us_per_record', 'decode_us_per_record']
        """
        kind = _check_kind(kind)
        rows = {fmt: {"encode_ms": e, "decode_ms": d, "gzip_ms": g} for k, fmt, e, d, g in self.timings if k == kind}
        table = pd.DataFrame.from_dict(rows, orient="index")
        table["encode_us_per_record"] = table["encode_ms"] * 1e3 / self.batch
        table["decode_us_per_record"] = table["decode_ms"] * 1e3 / self.batch
        return table


def stored_timings(path: str | Path = MEASURED_PATH) -> EncodingRun:
    """The run stored at ``path`` (by default the one the views show).

    >>> run = stored_timings()
    >>> run.runs >= 1 and run.cpu_count >= 1 and len(run.timings) == len(KINDS) * len(FORMATS)
    True
    """
    path = Path(path)
    if not path.exists():
        raise ValueError(f"path must name a stored run of benchmarks/api_encoding.py, got {str(path)!r}")
    data = json.loads(path.read_text(encoding="utf-8"))
    timings = tuple((t["kind"], t["format"], float(t["encode_ms"]), float(t["decode_ms"]), float(t["gzip_ms"]))
                    for t in data["timings"])
    return EncodingRun(date=data["date"], command=data["command"], cpu_count=int(data["cpu_count"]),
                       machine=data["machine"], python=data["python"], versions=tuple(data["versions"].items()),
                       batch=int(data["batch"]), runs=int(data["runs"]), gzip_level=int(data["gzip_level"]),
                       load_average=float(data["load_average"]), timings=timings)
