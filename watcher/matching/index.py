"""A text index over tickets: character n-gram TF-IDF, updated ticket by ticket.

Character n-grams of the diacritics-folded text survive Polish inflection
("modem"/"modemu"), typos and missing diacritics. Hashing the n-grams needs no
vocabulary, so a ticket is added, changed or removed without refitting; the
document frequencies are kept as counts and the IDF weights are recomputed
lazily when the index changed.

Two spaces of n-grams serve two purposes. The similarity a match is scored on
uses 3- to 5-grams, which forgive a typo in a short word. Finding the
candidates uses 5-grams only: a query has a third as many of them and each is
carried by far fewer tickets, so the search is several times faster, and the
candidates it finds are then ranked by the 3- to 5-gram similarity
(bench/README.md measures that nothing the brute force finds is lost).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sparse_dot_topn import sp_matmul_topn

from watcher.matching.facts import fold

N_FEATURES = 2**20
# Long texts add little beyond their start and cost memory; a post's grievance
# and a ticket's subject and first paragraphs are what tell them apart.
MAX_CHARS = 1500
COMPARE_NGRAMS = (3, 5)
SEARCH_NGRAMS = (5, 5)
# The search keeps this many times k by 5-gram cosine before ranking them by
# the 3- to 5-gram similarity.
SEARCH_WIDTH = 2
QUERY_CACHE = 50_000
THREADS = max(1, min(os.cpu_count() or 1, 4))


def _vectorizer(ngrams: tuple[int, int]) -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=ngrams,
        n_features=N_FEATURES,
        alternate_sign=False,
        norm=None,
        preprocessor=lambda text: fold(text[:MAX_CHARS]),
        dtype=np.float32,
    )


def _normalised(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return (sp.diags((1 / norms).astype(np.float32)) @ matrix).astype(np.float32).tocsr()


class _Space:
    """TF-IDF vectors of the indexed tickets in one kind of n-grams."""

    def __init__(self, ngrams: tuple[int, int], *, searchable: bool) -> None:
        self.vectorizer = _vectorizer(ngrams)
        self.searchable = searchable
        self.blocks: list[sp.csr_matrix] = []
        self.tf: sp.csr_matrix = sp.csr_matrix((0, N_FEATURES), dtype=np.float32)
        self.df = np.zeros(N_FEATURES, dtype=np.int32)
        self.weighted: sp.csr_matrix | None = None
        self.transposed: sp.csr_matrix | None = None
        self.idf: np.ndarray | None = None
        self.queries: dict[str, sp.csr_matrix] = {}

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        counts = self.vectorizer.transform(texts).tocsr()
        counts.data = np.log1p(counts.data)  # sublinear tf
        return counts

    def add(self, texts: Sequence[str]) -> None:
        tf = self.counts(texts)
        self.blocks.append(tf)
        np.add.at(self.df, tf.indices, 1)
        self.weighted = None

    def matrix(self) -> sp.csr_matrix:
        if self.blocks:
            self.tf = sp.vstack([self.tf, *self.blocks], format="csr")
            self.blocks = []
        return self.tf

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

    def vectors(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Query vectors, remembered until the weights change: a complaint's text is
        searched (in a batch) and then compared with its candidates."""
        assert self.idf is not None
        missing = [text for text in dict.fromkeys(texts) if text not in self.queries]
        if len(self.queries) + len(missing) > QUERY_CACHE:
            self.queries.clear()
            missing = list(dict.fromkeys(texts))
        if missing:
            query = _normalised(self.counts(missing).multiply(self.idf).tocsr())
            for i, text in enumerate(missing):
                self.queries[text] = query[i]
        return sp.vstack([self.queries[text] for text in texts], format="csr")


def _pairwise(left: sp.csr_matrix, right: sp.csr_matrix) -> np.ndarray:
    """Dot product of each row of `left` with the same row of `right`."""
    return np.asarray(left.multiply(right).sum(axis=1), dtype=np.float64).ravel()


class TicketIndex:
    """Top-k most similar tickets for a text, cosine over TF-IDF n-grams."""

    def __init__(self) -> None:
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._live = np.zeros(0, dtype=bool)
        self._compare = _Space(COMPARE_NGRAMS, searchable=False)
        self._search = _Space(SEARCH_NGRAMS, searchable=True)

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, ticket_id: int) -> bool:
        return ticket_id in self._row_of

    def update(self, items: Sequence[tuple[int, str]]) -> None:
        """Add tickets, or replace the text of ones already indexed."""
        if not items:
            return
        self.remove([ticket_id for ticket_id, _ in items if ticket_id in self._row_of])
        texts = [text for _, text in items]
        self._compare.add(texts)
        self._search.add(texts)
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

    def _prepare(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        n = max(len(self._row_of), 1)
        return self._compare.prepare(self._live, n), self._search.prepare(self._live, n)

    def search(self, texts: Sequence[str], k: int) -> list[list[tuple[int, float]]]:
        """For each text, up to k (ticket id, cosine) pairs, most similar first."""
        if not texts:
            return []
        if not self._row_of:
            return [[] for _ in texts]
        weighted, _ = self._prepare()
        assert self._search.transposed is not None
        found = sp_matmul_topn(
            self._search.vectors(texts),
            self._search.transposed,
            top_n=k * SEARCH_WIDTH,
            threshold=0.0,
            n_threads=THREADS if len(texts) > 1 else None,
        )
        counts = np.diff(found.indptr)
        query_rows = np.repeat(np.arange(len(texts)), counts)
        cosines = _pairwise(self._compare.vectors(texts)[query_rows], weighted[found.indices])
        results: list[list[tuple[int, float]]] = []
        for i in range(len(texts)):
            start, end = found.indptr[i], found.indptr[i + 1]
            pairs = [
                (self._ids[row], float(cosine))
                for row, cosine in zip(found.indices[start:end], cosines[start:end], strict=True)
            ]
            pairs.sort(key=lambda pair: (-pair[1], pair[0]))
            results.append(pairs[:k])
        return results

    def similarity(self, text: str, ticket_ids: Sequence[int]) -> dict[int, float]:
        """Cosine between a text and given tickets (0 for ones not indexed)."""
        known = [t for t in ticket_ids if t in self._row_of]
        result = dict.fromkeys(ticket_ids, 0.0)
        if not known:
            return result
        weighted, _ = self._prepare()
        rows = weighted[[self._row_of[t] for t in known]]
        query = self._compare.vectors([text])[np.zeros(len(known), dtype=np.intp)]
        for ticket_id, value in zip(known, _pairwise(query, rows), strict=True):
            result[ticket_id] = float(value)
        return result
