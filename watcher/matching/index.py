"""A text index over tickets: character n-gram TF-IDF, updated ticket by ticket.

Character n-grams of the diacritics-folded text survive Polish inflection
("modem"/"modemu"), typos and missing diacritics. Hashing the n-grams needs no
vocabulary, so a ticket is added, changed or removed without refitting; the
document frequencies are kept as counts and the IDF weights are recomputed
lazily when the index changed.

Two spaces of n-grams serve two purposes. The similarity a match is scored on
uses 3- to 5-grams, which forgive a typo in a short word. Finding the
candidates uses 5-grams (and short numbers) only: a query has
a third as many of them and each is carried by far fewer tickets, so the
search is several times faster (bench/README.md measures that it loses
nothing the brute force over 3- to 5-grams finds). Both come from one pass
over the text.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from itertools import compress
from operator import itemgetter

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer
from sparse_dot_topn import sp_matmul_topn

from watcher.matching.facts import fold
from watcher.matching.parallel import map_chunks

N_FEATURES = 2**20
# Long texts add little beyond their start and cost memory; a post's grievance
# and a ticket's subject and first paragraphs are what tell them apart.
MAX_CHARS = 1500
NGRAMS = (3, 5)
SEARCH_LENGTH = 5
QUERY_CACHE = 50_000
# Rows of removed or replaced tickets are dropped once there are this many and they
# are at least this share of the live ones.
COMPACT_MIN = 1_000
COMPACT_SHARE = 0.25
CHUNK = 2_000
THREADS = max(1, min(os.cpu_count() or 1, 4))


_ANALYZER = HashingVectorizer(
    analyzer="char_wb", ngram_range=NGRAMS, preprocessor=lambda text: fold(text[:MAX_CHARS])
).build_analyzer()
_HASHER = FeatureHasher(N_FEATURES, input_type="string", alternate_sign=False, dtype=np.float32)


def _search_grams(grams: list[str]) -> list[str]:
    """The 5-grams, and numbers too short for one (" 12 ").

    Short words ("w", "od", "nie") are left out: nearly every ticket has them, so they
    cost the search much time and tell it nothing. Numbers (days, amounts, house
    numbers) do tell. Iterators do the sifting: a hundred thousand tickets have 30
    million n-grams.
    """
    found = list(compress(grams, map(SEARCH_LENGTH.__eq__, map(len, grams))))
    ending = compress(grams, map(" ".__eq__, map(itemgetter(-1), grams)))
    found.extend(
        g for g in ending if len(g) < SEARCH_LENGTH and g[0] == " " and not g[1:-1].isalpha()
    )
    return found


def _counts(grams: Sequence[list[str]]) -> sp.csr_matrix:
    counts = _HASHER.transform(grams).tocsr()
    counts.data = np.log1p(counts.data)  # sublinear tf
    return counts


def _term_counts(texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Term counts of texts in the similarity space and in the search space, on every core
    for many texts (`map_chunks`)."""
    parts = map_chunks(_counted, texts)
    if len(parts) == 1:
        return parts[0]
    if not parts:
        empty = sp.csr_matrix((0, N_FEATURES), dtype=np.float32)
        return empty, empty
    return (
        sp.vstack([compare for compare, _ in parts], format="csr"),
        sp.vstack([search for _, search in parts], format="csr"),
    )


def _counted(texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """`_term_counts` in one process.

    A few thousand texts at a time: the n-grams of all, as Python strings, would
    take several times the memory of the counts.
    """
    compare, search = [], []
    for start in range(0, len(texts), CHUNK):
        grams = [_ANALYZER(text) for text in texts[start : start + CHUNK]]
        compare.append(_counts(grams))
        search.append(_counts([_search_grams(g) for g in grams]))
    if not compare:
        empty = sp.csr_matrix((0, N_FEATURES), dtype=np.float32)
        return empty, empty
    return sp.vstack(compare, format="csr"), sp.vstack(search, format="csr")


def _normalised(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return (sp.diags((1 / norms).astype(np.float32)) @ matrix).astype(np.float32).tocsr()


class _Space:
    """TF-IDF vectors of the indexed tickets in one kind of n-grams."""

    def __init__(self, *, searchable: bool) -> None:
        self.searchable = searchable
        self.blocks: list[sp.csr_matrix] = []
        self.tf: sp.csr_matrix = sp.csr_matrix((0, N_FEATURES), dtype=np.float32)
        self.df = np.zeros(N_FEATURES, dtype=np.int32)
        self.weighted: sp.csr_matrix | None = None
        self.transposed: sp.csr_matrix | None = None
        self.idf: np.ndarray | None = None
        # A query's n-grams and their weights (a row of a normalised TF-IDF matrix).
        self.queries: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def add(self, tf: sp.csr_matrix) -> None:
        self.blocks.append(tf)
        np.add.at(self.df, tf.indices, 1)
        self.weighted = None

    def matrix(self) -> sp.csr_matrix:
        if self.blocks:
            self.tf = sp.vstack([self.tf, *self.blocks], format="csr")
            self.blocks = []
        return self.tf

    def keep(self, rows: np.ndarray) -> None:
        """Keep only these rows (in this order); the document counts already exclude the rest."""
        self.tf = self.matrix()[rows]
        self.weighted = None

    def forget(self, rows: Sequence[int]) -> None:
        tf = self.matrix()
        for row in rows:
            np.subtract.at(self.df, tf.indices[tf.indptr[row] : tf.indptr[row + 1]], 1)
        self.weighted = None

    def prepare(self, live: np.ndarray, n: int) -> sp.csr_matrix:
        if self.weighted is None or self.idf is None:
            tf = self.matrix()
            self.idf = (np.log((1 + n) / (1 + self.df)) + 1).astype(np.float32)
            weighted = sp.diags(live.astype(np.float32)) @ tf.multiply(self.idf).tocsr()
            self.weighted = _normalised(weighted.tocsr())
            if self.searchable:
                # Queries multiply by the transpose; kept ready instead of converted per query.
                self.transposed = self.weighted.T.tocsr()
            self.queries = {}
        return self.weighted

    def remember(self, texts: Sequence[str], counts: sp.csr_matrix) -> None:
        """Keep query vectors until the weights change: a complaint's text is searched
        (in a batch) and then compared with its candidates."""
        assert self.idf is not None
        if len(self.queries) + len(texts) > QUERY_CACHE:
            self.queries.clear()
        query = _normalised(counts.multiply(self.idf).tocsr())
        # Slices of the batch's arrays: a row taken as a matrix of its own costs far more.
        indices, data, bounds = query.indices, query.data, query.indptr
        for i, text in enumerate(texts):
            start, end = bounds[i], bounds[i + 1]
            self.queries[text] = (indices[start:end], data[start:end])

    def vectors(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The remembered vectors of (one or more) texts, as the rows of one matrix."""
        rows = [self.queries[text] for text in texts]
        bounds = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(indices) for indices, _ in rows], out=bounds[1:])
        indices = np.concatenate([indices for indices, _ in rows])
        data = np.concatenate([data for _, data in rows])
        return sp.csr_matrix((data, indices, bounds), shape=(len(rows), N_FEATURES))


class TicketIndex:
    """Top-k most similar tickets for a text, cosine over TF-IDF n-grams."""

    def __init__(self) -> None:
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._live = np.zeros(0, dtype=bool)
        self._compare = _Space(searchable=False)
        self._search = _Space(searchable=True)
        self._dense = np.zeros(N_FEATURES, dtype=np.float32)

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, ticket_id: int) -> bool:
        return ticket_id in self._row_of

    def update(self, items: Sequence[tuple[int, str]]) -> None:
        """Add tickets, or replace the text of ones already indexed."""
        if not items:
            return
        self.remove([ticket_id for ticket_id, _ in items if ticket_id in self._row_of])
        compare, search = _term_counts([text for _, text in items])
        self._compare.add(compare)
        self._search.add(search)
        start = len(self._ids)
        for offset, (ticket_id, _) in enumerate(items):
            self._row_of[ticket_id] = start + offset
            self._ids.append(ticket_id)
        self._live = np.concatenate([self._live, np.ones(len(items), dtype=bool)])

    def remove(self, ticket_ids: Sequence[int]) -> None:
        """Drop tickets (closed long ago, deleted); unknown ids are ignored."""
        rows = [self._row_of.pop(t) for t in ticket_ids if t in self._row_of]
        if not rows:
            return
        self._compare.forget(rows)
        self._search.forget(rows)
        self._live[rows] = False

    @property
    def stored(self) -> int:
        """Rows held, those of removed or replaced tickets included until compaction."""
        return len(self._ids)

    def _compact(self) -> None:
        """Drop the rows of removed and replaced tickets once they are many.

        A ticket whose text changes gets a new row; without this a long-running
        process would grow with every edit.
        """
        dead = len(self._ids) - len(self._row_of)
        if dead < COMPACT_MIN or dead < len(self._row_of) * COMPACT_SHARE:
            return
        rows = np.flatnonzero(self._live)
        self._compare.keep(rows)
        self._search.keep(rows)
        self._ids = [self._ids[row] for row in rows]
        self._row_of = {ticket_id: row for row, ticket_id in enumerate(self._ids)}
        self._live = np.ones(len(self._ids), dtype=bool)

    def prepare(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Recompute the weights after changes (else the next search does it)."""
        if self._compare.weighted is None:
            self._compact()
        n = max(len(self._row_of), 1)
        return self._compare.prepare(self._live, n), self._search.prepare(self._live, n)

    def _queries(self, texts: Sequence[str]) -> None:
        """Make sure both spaces hold the vectors of these texts."""
        self.prepare()
        if len(self._compare.queries) != len(self._search.queries):
            self._compare.queries.clear()
            self._search.queries.clear()
        missing = [text for text in dict.fromkeys(texts) if text not in self._compare.queries]
        if missing:
            compare, search = _term_counts(missing)
            self._compare.remember(missing, compare)
            self._search.remember(missing, search)

    def search(self, texts: Sequence[str], k: int) -> list[list[tuple[int, float]]]:
        """For each text, up to k (ticket id, cosine of 5-grams), most similar first."""
        if not texts:
            return []
        if not self._row_of:
            return [[] for _ in texts]
        self._queries(texts)
        assert self._search.transposed is not None
        found = sp_matmul_topn(
            self._search.vectors(texts),
            self._search.transposed,
            top_n=k,
            threshold=0.0,
            n_threads=THREADS if len(texts) > 1 else None,
        )
        results: list[list[tuple[int, float]]] = []
        for i in range(len(texts)):
            start, end = found.indptr[i], found.indptr[i + 1]
            pairs = [
                (self._ids[row], float(cosine))
                for row, cosine in zip(found.indices[start:end], found.data[start:end], strict=True)
            ]
            pairs.sort(key=lambda pair: (-pair[1], pair[0]))
            results.append(pairs)
        return results

    def similarity(self, text: str, ticket_ids: Sequence[int]) -> dict[int, float]:
        """Cosine of 3- to 5-grams between a text and given tickets (0 for ones not indexed)."""
        known = [t for t in ticket_ids if t in self._row_of]
        result = dict.fromkeys(ticket_ids, 0.0)
        if not known:
            return result
        self._queries([text])
        weighted = self._compare.weighted
        assert weighted is not None
        indices, data = self._compare.queries[text]
        # The query spread into a dense vector once; each ticket's row then reads from it.
        self._dense[indices] = data
        try:
            for ticket_id in known:
                row = self._row_of[ticket_id]
                start, end = weighted.indptr[row], weighted.indptr[row + 1]
                values = self._dense[weighted.indices[start:end]]
                result[ticket_id] = float(np.dot(weighted.data[start:end], values))
        finally:
            self._dense[indices] = 0
        return result
