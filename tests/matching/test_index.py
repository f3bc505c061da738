"""The text index finds the ticket a complaint is about, despite inflection and typos."""

from __future__ import annotations

import pytest
from sklearn.feature_extraction.text import HashingVectorizer

import watcher.matching.index as index_module
from watcher.matching.facts import fold
from watcher.matching.index import _ANALYZER, TicketIndex, _search_grams

TICKETS = [
    (1, "Brak internetu od tygodnia. Modem miga na czerwono, nie mogę pracować zdalnie."),
    (2, "Faktura za listopad zawyżona o 120 zł, proszę o korektę."),
    (3, "Instalacja światłowodu opóźniona, technik nie przyszedł 2 listopada."),
    (4, "Dekoder TV restartuje się co godzinę, brak sygnału na kanałach sportowych."),
    (5, "Przeprowadzka na ul. Długą 5, proszę o przeniesienie usługi."),
]


def _index() -> TicketIndex:
    index = TicketIndex()
    index.update(TICKETS)
    return index


def test_finds_the_ticket_without_diacritics_and_inflected() -> None:
    hits = _index().search(["modemu miga czerwona dioda, brak internetu, nie moge pracowac"], 3)[0]
    assert hits[0][0] == 1
    assert hits[0][1] > hits[1][1] if len(hits) > 1 else True


def test_each_query_gets_its_own_ranking() -> None:
    results = _index().search(["technik nie przyszedl na instalacje", "zawyzona faktura 120 zl"], 2)
    assert results[0][0][0] == 3
    assert results[1][0][0] == 2


def test_update_replaces_a_tickets_text() -> None:
    index = _index()
    index.update([(4, "Zawyżona faktura, podwójnie pobrana opłata.")])
    hits = index.search(["dekoder restartuje sie, brak sygnalu"], 5)[0]
    assert 4 not in [t for t, _ in hits[:1]]
    assert len(index) == 5


def test_removed_tickets_are_not_found() -> None:
    index = _index()
    index.remove([1, 99])
    hits = index.search(["brak internetu modem miga"], 5)[0]
    assert 1 not in [t for t, _ in hits]
    assert 1 not in index and len(index) == 4


def test_similarity_of_given_tickets() -> None:
    sims = _index().similarity("technik nie przyszedł, instalacja opóźniona", [3, 2, 42])
    assert sims[3] > sims[2]
    assert sims[42] == 0.0


def test_similarity_of_many_tickets_at_once_equals_one_at_a_time() -> None:
    index = TicketIndex()
    index.update([*TICKETS, (6, "")])  # a ticket with an empty description has no n-grams
    text = TICKETS[2][1]
    together = index.similarity(text, [5, 6, 3, 1, 42, 2])
    assert list(together) == [5, 6, 3, 1, 42, 2]
    assert together[3] == pytest.approx(1.0, abs=1e-5)  # its own text
    assert together[6] == 0.0 and together[42] == 0.0
    for ticket_id, cosine in together.items():
        assert index.similarity(text, [ticket_id])[ticket_id] == pytest.approx(cosine, abs=1e-6)
        assert 0.0 <= cosine <= 1.0 + 1e-5
    assert 0.0 < together[1] < together[3]


def test_empty_index_and_empty_text() -> None:
    assert TicketIndex().search(["cokolwiek"], 3) == [[]]
    assert _index().search([""], 3) == [[]]
    assert _index().search([], 3) == []


def test_search_space_is_5_grams_and_short_numbers() -> None:
    five = HashingVectorizer(analyzer="char_wb", ngram_range=(5, 5), preprocessor=fold)
    for text in ["Brak internetu w TV od 3 dni, ul. Długa 12", "a b c", "", "NT-1000123 120 zł"]:
        expected = [g for g in five.build_analyzer()(text) if len(g) == 5 or g.strip().isdigit()]
        assert sorted(_search_grams(_ANALYZER(text))) == sorted(expected)
    assert " 12 " in _search_grams(_ANALYZER("ul. Długa 12")) and " tv " not in _search_grams(
        _ANALYZER("TV nie działa")
    )


def test_edited_tickets_do_not_grow_the_index_for_ever(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "COMPACT_MIN", 4)
    index = _index()
    for edit in range(20):
        index.update([(2, f"Faktura za listopad zawyżona o {100 + edit} zł, proszę o korektę.")])
        assert index.search(["zawyzona faktura za listopad"], 1)[0][0][0] == 2
    assert len(index) == 5
    assert index.stored < 5 + 8  # compacted along the way, not 5 + 20 rows
    assert index.search(["technik nie przyszedl na instalacje"], 1)[0][0][0] == 3
    assert index.similarity("modem miga, brak internetu", [1])[1] > 0.2
