"""Measure encode, decode and gzip times of the API payloads and store them for the static site.

For every record kind (user, order, reading) and format (JSON, MessagePack, Avro, Protocol Buffers),
the same seeded batch (default 1,000 records) is encoded, decoded and gzip'd (level 6) --runs times
(default 15); the medians (time.perf_counter, ms) go to widgets/api/measured_encoding.json with the
date, the command, the machine (os.cpu_count(), and its load average: other jobs inflate wall-clock
medians) and the Python and library versions. The view
``api.payloads`` shows that stored run and says which it is; run this again to measure your machine.

    python benchmarks/api_encoding.py [--batch N] [--runs R] [--date YYYY-MM-DD] [--out PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from importlib.metadata import version
from pathlib import Path

from google.protobuf.internal import api_implementation

from widgets.api.encoders import FORMATS, GZIP_LEVEL
from widgets.api.model import MEASURED_PATH, measure_codec_times
from widgets.api.records import KINDS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--date", default=dt.date.today().isoformat(), help="the run's date (default today)")
    parser.add_argument("--out", type=Path, default=MEASURED_PATH)
    args = parser.parse_args()
    timings = []
    for kind in KINDS:
        table = measure_codec_times(kind, args.batch, runs=args.runs)
        for fmt in FORMATS:
            row = table.loc[fmt]
            timings.append({"kind": kind, "format": fmt, **{k: round(float(row[k]), 4) for k in table.columns}})
            print(f"{kind:8} {fmt:9} encode {row['encode_ms']:8.2f} ms  decode {row['decode_ms']:8.2f} ms  "
                  f"gzip {row['gzip_ms']:7.2f} ms  (batch of {args.batch:,}, median of {args.runs})")
    run = {
        "command": "python benchmarks/api_encoding.py" + (f" --batch {args.batch}" if args.batch != 1_000 else "")
                   + (f" --runs {args.runs}" if args.runs != 15 else ""),
        "date": args.date,
        "cpu_count": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 1),  # other work on the machine as the run ended (1 minute)
        "machine": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "versions": {"msgpack": version("msgpack"), "fastavro": version("fastavro"),
                     "protobuf": f"{version('protobuf')} ({api_implementation.Type()})"},
        "batch": args.batch,
        "runs": args.runs,
        "gzip_level": GZIP_LEVEL,
        "timings": timings,
    }
    args.out.write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({sys.executable})")


if __name__ == "__main__":
    main()
