"""The four wire formats, as real encoders: JSON, MessagePack (``msgpack``), Avro (``fastavro``) and
Protocol Buffers (``protobuf``), each built from a record kind's field table; gzip; and the
closed-form lengths the tests check the encoders against.

A batch is what an API would send for a list: a JSON array, a MessagePack array, an Avro
``array`` of the record (``schemaless_writer``: no schema in the bytes; the container file's header
is counted apart by :func:`avro_container_overhead`) and a protobuf ``Batch`` message with a
``repeated Record records = 1``. There is no ``protoc`` here: the protobuf messages are built at run
time from a ``FileDescriptorProto``.

References: the Protocol Buffers encoding guide (https://protobuf.dev/programming-guides/encoding/:
base-128 varints, tags, packed repeated fields); the Avro 1.11 specification ("Binary Encoding",
"Object Container Files": zig-zag varints); the MessagePack specification
(https://github.com/msgpack/msgpack/blob/master/spec.md); RFC 1952 (gzip: a 10-byte header and an
8-byte trailer around a DEFLATE stream, RFC 1951); RFC 8259 (JSON); RFC 3339 (timestamps as text).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import fastavro
import msgpack
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2

from widgets import _check

from .records import KINDS, TYPES, Field, kind_fields

FORMATS = ("json", "msgpack", "avro", "protobuf")
FORMAT_NAMES = {"json": "JSON", "msgpack": "MessagePack", "avro": "Avro", "protobuf": "Protocol Buffers"}
#: gzip's level when none is given: zlib's default (Z_DEFAULT_COMPRESSION is level 6).
GZIP_LEVEL = 6
#: A fixed Avro sync marker, so container files are the same bytes on every run (any 16 bytes will do).
SYNC_MARKER = b"system-design-16"
_UTC = dt.timezone.utc
_RFC3339 = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Codec:
    """One format for one field table: a record or a batch to bytes, and back."""

    fmt: str
    fields: tuple[Field, ...]
    one: Callable[[dict], bytes]
    many: Callable[[list], bytes]
    read_one: Callable[[bytes], dict]
    read_many: Callable[[bytes], list]


def _fields(kind: str | tuple[Field, ...]) -> tuple[Field, ...]:
    if isinstance(kind, str):
        return kind_fields(kind)
    if not isinstance(kind, tuple) or not kind or not all(isinstance(f, Field) for f in kind):
        raise ValueError(f"kind must be one of {', '.join(map(repr, KINDS))} or a tuple of Field, got {kind!r}")
    for f in kind:
        _check.choice(f"type of field {f.name!r}", f.type, TYPES)
    return kind


def codec(fmt: str, kind: str | tuple[Field, ...] = "user") -> Codec:
    """The codec of format ``fmt`` (one of :data:`FORMATS`) for a record kind or a field table.

    >>> c = codec("protobuf", (Field("n", "int"),))
    >>> c.one({"n": 300}).hex(), c.read_one(bytes.fromhex("08ac02"))
    ('08ac02', {'n': 300})
    """
    return _codec(_check.choice("fmt", fmt, FORMATS), _fields(kind))


@lru_cache(maxsize=None)
def _codec(fmt: str, fields: tuple[Field, ...]) -> Codec:
    builders = {"json": _json_codec, "msgpack": _msgpack_codec, "avro": _avro_codec, "protobuf": _protobuf_codec}
    return builders[fmt](fields)


# ---------------------------------------------------------------- JSON (RFC 8259), compact separators

def _json_codec(fields: tuple[Field, ...]) -> Codec:
    stamps = [f.name for f in fields if f.type == "timestamp"]

    def out(record: dict) -> dict:
        return {**record, **{name: record[name].astimezone(_UTC).strftime(_RFC3339) for name in stamps}}

    def back(obj: dict) -> dict:
        return {**obj, **{name: dt.datetime.fromisoformat(obj[name]) for name in stamps}}

    def dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    return Codec("json", fields, lambda r: dumps(out(r)), lambda rs: dumps([out(r) for r in rs]),
                 lambda b: back(json.loads(b)), lambda b: [back(o) for o in json.loads(b)])


# ---------------------------------------------------------------- MessagePack: maps with their keys

def _msgpack_codec(fields: tuple[Field, ...]) -> Codec:
    def pack(value: Any) -> bytes:
        return msgpack.packb(value, datetime=True, use_bin_type=True)

    def unpack(data: bytes) -> Any:
        return msgpack.unpackb(data, timestamp=3, raw=False)

    return Codec("msgpack", fields, pack, pack, unpack, unpack)


# ---------------------------------------------------------------- Avro: no field names, no tags

_AVRO_TYPES = {"int": "long", "float": "double", "str": "string",
               "timestamp": {"type": "long", "logicalType": "timestamp-millis"},
               "int_list": {"type": "array", "items": "long"}, "float_list": {"type": "array", "items": "double"},
               "str_list": {"type": "array", "items": "string"}, "optional_int": ["null", "long"]}


def avro_schema(kind: str | tuple[Field, ...] = "user", name: str = "Record") -> dict:
    """The Avro record schema of a kind, as JSON-ready data.

    >>> avro_schema((Field("n", "int"),))
    {'type': 'record', 'name': 'Record', 'namespace': 'course_api', 'fields': [{'name': 'n', 'type': 'long'}]}
    """
    return {"type": "record", "name": name, "namespace": "course_api",
            "fields": [{"name": f.name, "type": _AVRO_TYPES[f.type]} for f in _fields(kind)]}


def _avro_codec(fields: tuple[Field, ...]) -> Codec:
    record = fastavro.parse_schema(avro_schema(fields))
    batch = fastavro.parse_schema({"type": "array", "items": avro_schema(fields)})

    def writer(schema: Any) -> Callable[[Any], bytes]:
        def write(value: Any) -> bytes:
            buffer = io.BytesIO()
            fastavro.schemaless_writer(buffer, schema, value)
            return buffer.getvalue()
        return write

    def reader(schema: Any) -> Callable[[bytes], Any]:
        return lambda data: fastavro.schemaless_reader(io.BytesIO(data), schema, None)

    return Codec("avro", fields, writer(record), writer(batch), reader(record), reader(batch))


def avro_container(records: list[dict], kind: str | tuple[Field, ...] = "user") -> bytes:
    """An Avro object container file of the records (no compression, blocks of about 16 kB: fastavro's
    default sync interval; a fixed sync marker): what a file of them carries, schema included.

    >>> len(avro_container([], (Field("n", "int"),)))
    142
    """
    buffer = io.BytesIO()
    fastavro.writer(buffer, fastavro.parse_schema(avro_schema(kind)), records, codec="null", sync_marker=SYNC_MARKER)
    return buffer.getvalue()


def avro_container_overhead(records: list[dict], kind: str | tuple[Field, ...] = "user") -> tuple[int, int]:
    """(header bytes, block framing bytes) of the records' container file beyond their schemaless bytes.

    The header (magic, the schema as JSON, the codec, the sync marker) is paid once a file; each block
    adds its record count, its size and a copy of the 16-byte sync marker.

    >>> avro_container_overhead([{"n": 1}] * 3, (Field("n", "int"),))
    (142, 18)
    """
    header = len(avro_container([], kind))
    one = codec("avro", kind).one
    body = sum(len(one(r)) for r in records)
    return header, len(avro_container(records, kind)) - header - body


# ---------------------------------------------------------------- Protocol Buffers: tag, then value

_PB = descriptor_pb2.FieldDescriptorProto
_PB_TYPES = {"int": _PB.TYPE_INT64, "float": _PB.TYPE_DOUBLE, "str": _PB.TYPE_STRING, "timestamp": _PB.TYPE_MESSAGE,
             "int_list": _PB.TYPE_INT64, "float_list": _PB.TYPE_DOUBLE, "str_list": _PB.TYPE_STRING,
             "optional_int": _PB.TYPE_INT64}
_POOL = descriptor_pool.DescriptorPool()
_POOL.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
_TABLES = itertools.count()  # packages of field tables that are not a kind: course_api.table0, ...


def protobuf_file(fields: tuple[Field, ...], package: str) -> descriptor_pb2.FileDescriptorProto:
    """The proto3 file of a field table: ``message Record`` (field numbers 1, 2, ... in table order;
    lists ``repeated``, packed; ``optional_int`` is proto3 ``optional``) and ``message Batch``.

    >>> print(protobuf_file((Field("n", "int"),), "course_api.doc").message_type[0])  # doctest: +NORMALIZE_WHITESPACE
    name: "Record" field { name: "n" number: 1 label: LABEL_OPTIONAL type: TYPE_INT64 json_name: "n" }
    """
    proto = descriptor_pb2.FileDescriptorProto(name=f"{package.replace('.', '/')}.proto", package=package,
                                               syntax="proto3", dependency=["google/protobuf/timestamp.proto"])
    message = proto.message_type.add(name="Record")
    for number, f in enumerate(_fields(fields), start=1):
        spec = message.field.add(name=f.name, number=number, type=_PB_TYPES[f.type], json_name=f.name,
                                 label=_PB.LABEL_REPEATED if f.type.endswith("_list") else _PB.LABEL_OPTIONAL)
        if f.type == "timestamp":
            spec.type_name = ".google.protobuf.Timestamp"
        if f.type == "optional_int":
            spec.proto3_optional, spec.oneof_index = True, len(message.oneof_decl)
            message.oneof_decl.add(name=f"_{f.name}")
    proto.message_type.add(name="Batch").field.add(name="records", number=1, type=_PB.TYPE_MESSAGE,
                                                   type_name=f".{package}.Record", label=_PB.LABEL_REPEATED,
                                                   json_name="records")
    return proto


@lru_cache(maxsize=None)
def _protobuf_classes(fields: tuple[Field, ...]) -> tuple[type, type]:
    known = [kind for kind, table in KINDS.items() if table == fields]
    package = f"course_api.{known[0] if known else f'table{next(_TABLES)}'}"
    _POOL.Add(protobuf_file(fields, package))
    return tuple(message_factory.GetMessageClass(_POOL.FindMessageTypeByName(f"{package}.{name}"))
                 for name in ("Record", "Batch"))


def _protobuf_codec(fields: tuple[Field, ...]) -> Codec:
    record_class, batch_class = _protobuf_classes(fields)
    stamps = [f.name for f in fields if f.type == "timestamp"]
    optional = [f.name for f in fields if f.type == "optional_int"]
    lists = [f.name for f in fields if f.type.endswith("_list")]

    def message(record: dict) -> Any:
        return record_class(**{name: value for name, value in record.items() if value is not None})

    def back(m: Any) -> dict:
        out = {f.name: getattr(m, f.name) for f in fields}
        out.update({name: list(out[name]) for name in lists})
        out.update({name: out[name].ToDatetime(tzinfo=_UTC) for name in stamps})
        out.update({name: None for name in optional if not m.HasField(name)})
        return out

    return Codec("protobuf", fields, lambda r: message(r).SerializeToString(),
                 lambda rs: batch_class(records=[message(r) for r in rs]).SerializeToString(),
                 lambda b: back(record_class.FromString(b)),
                 lambda b: [back(m) for m in batch_class.FromString(b).records])


# ---------------------------------------------------------------- the public shortcuts

def encode(records: list[dict], kind: str = "user", fmt: str = "json") -> bytes:
    """A batch of records of ``kind`` as the bytes ``fmt`` sends.

    >>> from widgets.api.records import make_records
    >>> len(encode(make_records("order", 2), "order", "json")) > len(encode(make_records("order", 2), "order", "avro"))
    True
    """
    return codec(fmt, kind).many(records)


def decode(data: bytes, kind: str = "user", fmt: str = "json") -> list[dict]:
    """A batch back from the bytes of :func:`encode`.

    >>> from widgets.api.records import make_records
    >>> r = make_records("user", 3); decode(encode(r, "user", "protobuf"), "user", "protobuf") == r
    True
    """
    return codec(fmt, kind).read_many(data)


def gzipped(data: bytes, level: int = GZIP_LEVEL) -> bytes:
    """``data`` gzip'd at ``level`` (1 fastest to 9 smallest), with no file name and a zero time stamp,
    so the same data gives the same bytes: a DEFLATE stream inside 18 bytes of gzip framing.

    >>> len(gzipped(b""))
    20
    """
    level = _check.integer("level", level, 1, 9)
    return gzip.compress(data, compresslevel=level, mtime=0)


def varint_length(n: int) -> int:
    """Bytes of a non-negative integer as a base-128 varint: 7 bits a byte, so 1 byte below 128,
    2 below 16,384, 3 below 2,097,152, ..., 10 for 2**63 and above (protobuf's encoding guide).

    >>> [varint_length(n) for n in (0, 127, 128, 16_383, 16_384, 2**63)]
    [1, 1, 2, 2, 3, 10]
    """
    n = _check.integer("n", n, 0, 2**64 - 1)
    return max(1, -(-n.bit_length() // 7))


def zigzag(n: int) -> int:
    """Avro's (and protobuf's ``sint64``) zig-zag map of a signed integer onto a non-negative one:
    0, -1, 1, -2, 2 go to 0, 1, 2, 3, 4, so small magnitudes stay short varints.

    >>> [zigzag(n) for n in (0, -1, 1, -2, 2, 63, -64, 64)]
    [0, 1, 2, 3, 4, 126, 127, 128]
    """
    n = _check.integer("n", n, -(2**63), 2**63 - 1)
    return (n << 1) ^ (n >> 63)
