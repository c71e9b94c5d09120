"""The search lab's corpus: docstrings of Python's standard library, bundled in ``stdlib_docs.json.gz``.

``tools/search_corpus.py`` wrote the file from Python 3.11: one document per module docstring and per
public class, function, method and property with a docstring of its own, in a fixed, sorted order
(3,809 documents from 143 modules). The text is the Python Software Foundation's, under the PSF License
Agreement (https://docs.python.org/3/license.html); the file's ``licence`` field says so.

:func:`documents` gives the first ``n`` documents; past the corpus it repeats it, each copy with new
ids, so the lab can grow the table ten times beyond what was bundled.
"""

from __future__ import annotations

import functools
import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from widgets import _check

CORPUS_PATH = Path(__file__).with_name("stdlib_docs.json.gz")
#: How many times over the corpus :func:`documents` may repeat it.
MAX_COPIES = 10


@dataclass(frozen=True)
class Document:
    """One searchable document: an id, a title (a qualified name such as ``json.dumps``), a body."""

    id: int
    title: str
    body: str


@dataclass(frozen=True)
class Corpus:
    """The bundled corpus and where it came from."""

    python: str
    licence: str
    modules: tuple[str, ...]
    documents: tuple[Document, ...]


@functools.cache
def corpus() -> Corpus:
    """The bundled corpus, read once per process.

    >>> c = corpus()
    >>> c.python.startswith("3.11"), c.documents[0].title, "PSF" in c.licence or "Python Software" in c.licence
    (True, 'abc', True)
    """
    data = json.loads(gzip.decompress(CORPUS_PATH.read_bytes()))
    docs = tuple(Document(d["id"], d["title"], d["body"]) for d in data["documents"])
    return Corpus(data["python"], data["licence"], tuple(data["modules"]), docs)


def corpus_size() -> int:
    """The number of documents bundled.

    >>> corpus_size()
    3809
    """
    return len(corpus().documents)


def max_documents() -> int:
    """The most documents :func:`documents` gives: the corpus repeated :data:`MAX_COPIES` times.

    >>> max_documents() == 10 * corpus_size()
    True
    """
    return MAX_COPIES * corpus_size()


def documents(n: int) -> tuple[Document, ...]:
    """The first ``n`` documents; past the corpus, copies of it whose ids continue (copy c of document
    i has id c × corpus_size() + i, the same title and body).

    >>> [d.id for d in documents(3)], documents(corpus_size() + 1)[-1].title == documents(1)[0].title
    ([0, 1, 2], True)
    """
    n = _check.integer("n", n, 1, max_documents())
    base = corpus().documents
    size = len(base)
    return tuple(Document(c * size + d.id, d.title, d.body)
                 for c in range(-(-n // size)) for d in base)[:n]
