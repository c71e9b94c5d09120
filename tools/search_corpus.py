"""Build the search lab's corpus: the docstrings of a fixed list of Python standard-library modules.

    python tools/search_corpus.py            # writes widgets/search/stdlib_docs.json.gz

The documents are {id, title, body}: ``title`` is the qualified name (``json.dumps``,
``collections.OrderedDict.move_to_end``), ``body`` its docstring as ``inspect.cleandoc`` leaves it.
The walk is deterministic: the modules in the fixed, sorted list below; in each, the module's own
docstring, then its public members in sorted order (classes followed by their own public methods and
properties, sorted), counting only members defined in that module (no re-exports, no docstring a class
inherits) and only those with a docstring. Ids are 0, 1, 2, ... in that order. The gzip stream carries
no timestamp, so the same interpreter writes the same bytes.

The text is the Python Software Foundation's (the docstrings of CPython's standard library, under the
PSF License Agreement, https://docs.python.org/3/license.html); the file says so in its ``licence`` field.
The docstrings differ slightly between Python versions; the file records the one that wrote it (3.11).
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import inspect
import json
import platform
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "widgets" / "search" / "stdlib_docs.json.gz"

#: Platform-independent modules with prose docstrings, sorted.
MODULES = (
    "abc", "argparse", "array", "ast", "asyncio.base_events", "asyncio.events", "asyncio.locks",
    "asyncio.protocols", "asyncio.queues", "asyncio.streams", "asyncio.subprocess", "asyncio.tasks",
    "asyncio.transports", "base64", "binascii", "bisect", "builtins", "bz2", "calendar", "cmath", "cmd",
    "code", "codecs", "collections", "collections.abc", "concurrent.futures._base",
    "concurrent.futures.process", "concurrent.futures.thread", "configparser", "contextlib", "copy", "copyreg",
    "csv", "dataclasses", "datetime", "decimal", "difflib", "dis", "doctest", "email.message", "email.parser",
    "email.utils", "enum", "filecmp", "fileinput", "fnmatch", "fractions", "ftplib", "functools", "gettext",
    "glob", "graphlib", "gzip", "hashlib", "heapq", "hmac", "html.parser", "http.client", "http.cookiejar",
    "http.server", "imaplib", "importlib.abc", "importlib.resources", "inspect", "io", "ipaddress",
    "itertools", "json", "json.decoder", "json.encoder", "linecache", "locale", "logging", "logging.handlers",
    "lzma", "mailbox", "math", "mimetypes", "multiprocessing.pool", "multiprocessing.queues", "numbers",
    "operator", "optparse", "pathlib", "pdb", "pickle", "pkgutil", "plistlib", "pprint", "pydoc", "queue",
    "random", "re", "reprlib", "sched", "secrets", "selectors", "shelve", "shlex", "shutil", "smtplib",
    "socket", "socketserver", "sqlite3", "statistics", "string", "struct", "subprocess", "sysconfig",
    "tarfile", "tempfile", "textwrap", "threading", "time", "timeit", "tokenize", "tomllib", "trace",
    "traceback", "tracemalloc", "types", "typing", "unicodedata", "unittest.case", "unittest.loader",
    "unittest.mock", "unittest.result", "unittest.suite", "urllib.parse", "urllib.request",
    "urllib.robotparser", "uuid", "warnings", "wave", "weakref", "xml.dom.minidom", "xml.etree.ElementTree",
    "xmlrpc.client", "xmlrpc.server", "zipfile", "zipimport", "zlib", "zoneinfo",
)
LICENCE = ("Docstrings of the Python standard library, copyright Python Software Foundation, under the PSF "
           "License Agreement (https://docs.python.org/3/license.html)")


def own_doc(obj: object) -> str | None:
    """The docstring ``obj`` carries itself, cleaned, or None (none, or one inherited from a class)."""
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    if inspect.isclass(obj):
        doc = obj.__dict__.get("__doc__")
    elif (inspect.isfunction(obj) or inspect.isbuiltin(obj) or inspect.ismethoddescriptor(obj)
          or isinstance(obj, property) or inspect.isgetsetdescriptor(obj)):
        doc = obj.__doc__
    else:  # data: its __doc__ is its type's
        return None
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None


def defined_in(module_name: str, obj: object) -> bool:
    """True if obj is defined in the module itself (C members of a module may name no module)."""
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    return getattr(obj, "__module__", module_name) in (module_name, None)


def documents_of(module_name: str) -> list[tuple[str, str]]:
    """(title, body) pairs of one module, in the deterministic order the module docstring describes."""
    module = importlib.import_module(module_name)
    found = [(module_name, inspect.cleandoc(module.__doc__))] if (module.__doc__ or "").strip() else []
    for name in sorted(vars(module)):
        obj = vars(module)[name]
        if name.startswith("_") or inspect.ismodule(obj) or not defined_in(module_name, obj):
            continue
        doc = own_doc(obj)
        if doc:
            found.append((f"{module_name}.{name}", doc))
        if inspect.isclass(obj):
            for member in sorted(vars(obj)):
                doc = None if member.startswith("_") else own_doc(vars(obj)[member])
                if doc:
                    found.append((f"{module_name}.{name}.{member}", doc))
    return found


def corpus(modules: tuple[str, ...] = MODULES) -> dict:
    """The corpus as the file stores it: provenance, then the documents with their ids."""
    pairs = [pair for module_name in sorted(modules) for pair in documents_of(module_name)]
    return {
        "source": "tools/search_corpus.py",
        "licence": LICENCE,
        "python": platform.python_version(),
        "modules": sorted(modules),
        "documents": [{"id": i, "title": title, "body": body} for i, (title, body) in enumerate(pairs)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if sys.version_info[:2] != (3, 11):
        print(f"note: the bundled corpus was written by Python 3.11; this is {platform.python_version()}")
    data = corpus()
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    args.out.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(f"{len(data['documents']):,} documents from {len(data['modules'])} modules, {len(raw):,} B of JSON, "
          f"{args.out.stat().st_size:,} B gzip'd -> {args.out}")


if __name__ == "__main__":
    main()
