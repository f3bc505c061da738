"""A text index over tickets: character n-gram TF-IDF, updated ticket by ticket.

Character n-grams of the diacritics-folded text survive Polish inflection
("modem"/"modemu"), typos and missing diacritics. Hashing the n-grams needs no
vocabulary, so a ticket is added, changed or removed without refitting; the
document frequencies are kept as counts and the IDF weights are recomputed
lazily when the index changed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from watcher.matching.facts import fold

N_FEATURES = 2**20
# Long texts add little beyond their start and cost memory; a post's grievance
# and a ticket's subject and first paragraphs are what tell them apart.
MAX_CHARS = 1500
# Only a query's most distinctive n-grams are looked up: common ones ("internet")
# match half the index and cost time without changing the ranking.
QUERY_TERMS = 200
QUERY_CACHE = 50_000


def _vectorizer() -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        n_features=N_FEATURES,
        alternate_sign=False,
        norm=None,
        preprocessor=lambda text: fold(text[:MAX_CHARS]),
        dtype=np.float32,
    )


class TicketIndex:
    """Top-k most similar tickets for a text, cosine over TF-IDF n-grams."""

    def __init__(self) -> None:
        self._vectorizer = _vectorizer()
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._blocks: list[sp.csr_matrix] = []
        self._tf: sp.csr_matrix = sp.csr_matrix((0, N_FEATURES), dtype=np.float32)
        self._df = np.zeros(N_FEATURES, dtype=np.int32)
        self._live = np.zeros(0, dtype=bool)
        self._weighted: sp.csr_matrix | None = None
        self._transposed: sp.csr_matrix | None = None
        self._idf: np.ndarray | None = None
        self._query_cache: dict[str, sp.csr_matrix] = {}

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, ticket_id: int) -> bool:
        return ticket_id in self._row_of

    def _term_counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        counts = self._vectorizer.transform(texts).tocsr()
        counts.data = np.log1p(counts.data)  # sublinear tf
        return counts

    def update(self, items: Sequence[tuple[int, str]]) -> None:
        """Add tickets, or replace the text of ones already indexed."""
        if not items:
            return
        self.remove([ticket_id for ticket_id, _ in items if ticket_id in self._row_of])
        tf = self._term_counts([text for _, text in items])
        start = len(self._ids)
        for offset, (ticket_id, _) in enumerate(items):
            self._row_of[ticket_id] = start + offset
            self._ids.append(ticket_id)
        self._blocks.append(tf)
        self._live = np.concatenate([self._live, np.ones(len(items), dtype=bool)])
        np.add.at(self._df, tf.indices, 1)
        self._weighted = None

    def remove(self, ticket_ids: Sequence[int]) -> None:
        """Drop tickets (closed long ago, deleted); unknown ids are ignored."""
        rows = [self._row_of.pop(t) for t in ticket_ids if t in self._row_of]
        if not rows:
            return
        tf = self._matrix()
        for row in rows:
            np.subtract.at(self._df, tf.indices[tf.indptr[row] : tf.indptr[row + 1]], 1)
            self._live[row] = False
        self._weighted = None

    def _matrix(self) -> sp.csr_matrix:
        if self._blocks:
            self._tf = sp.vstack([self._tf, *self._blocks], format="csr")
            self._blocks = []
        return self._tf

    def _prepare(self) -> tuple[sp.csr_matrix, np.ndarray]:
        if self._weighted is None or self._idf is None:
            tf = self._matrix()
            n = max(len(self._row_of), 1)
            idf = (np.log((1 + n) / (1 + self._df)) + 1).astype(np.float32)
            weighted = tf.multiply(idf).tocsr()
            weighted = sp.diags(self._live.astype(np.float32)) @ weighted
            norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
            norms[norms == 0] = 1
            self._weighted = (sp.diags(1 / norms).astype(np.float32) @ weighted).tocsr()
            # Queries multiply by the transpose; kept ready instead of converted per query.
            self._transposed = self._weighted.T.tocsr()
            self._idf = idf
            self._query_cache = {}
        return self._weighted, self._idf

    def _queries(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Query vectors, remembered until the weights change: a complaint's text is
        searched (in a batch) and then compared with its candidates."""
        _, idf = self._prepare()
        missing = [text for text in dict.fromkeys(texts) if text not in self._query_cache]
        if len(self._query_cache) + len(missing) > QUERY_CACHE:
            self._query_cache.clear()
            missing = list(dict.fromkeys(texts))
        if missing:
            query = self._term_counts(missing).multiply(idf).tocsr()
            for i, text in enumerate(missing):
                row = query.getrow(i)
                if row.nnz > QUERY_TERMS:
                    keep = np.argpartition(row.data, -QUERY_TERMS)[-QUERY_TERMS:]
                    row = sp.csr_matrix(
                        (row.data[keep], row.indices[keep], [0, len(keep)]), shape=row.shape
                    )
                norm = float(np.sqrt((row.data**2).sum())) or 1.0
                self._query_cache[text] = row / norm
        return sp.vstack([self._query_cache[text] for text in texts], format="csr")

    def search(self, texts: Sequence[str], k: int) -> list[list[tuple[int, float]]]:
        """For each text, up to k (ticket id, cosine) pairs, most similar first."""
        if not texts:
            return []
        if not self._row_of:
            return [[] for _ in texts]
        self._prepare()
        assert self._transposed is not None
        sims = (self._queries(texts) @ self._transposed).tocsr()
        results: list[list[tuple[int, float]]] = []
        for i in range(sims.shape[0]):
            row = sims.getrow(i)
            if row.nnz == 0:
                results.append([])
                continue
            top = np.argpartition(row.data, -k)[-k:] if row.nnz > k else np.arange(row.nnz)
            pairs = [(self._ids[row.indices[j]], float(row.data[j])) for j in top]
            results.append(sorted(pairs, key=lambda pair: (-pair[1], pair[0])))
        return results

    def similarity(self, text: str, ticket_ids: Sequence[int]) -> dict[int, float]:
        """Cosine between a text and given tickets (0 for ones not indexed)."""
        known = [t for t in ticket_ids if t in self._row_of]
        result = dict.fromkeys(ticket_ids, 0.0)
        if not known:
            return result
        weighted, _ = self._prepare()
        query = self._queries([text])
        rows = weighted[[self._row_of[t] for t in known]]
        for ticket_id, value in zip(known, (rows @ query.T).toarray().ravel(), strict=True):
            result[ticket_id] = float(value)
        return result
