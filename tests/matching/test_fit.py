"""Fitting the weights: pairs are labelled as of each post's time, whatever the day."""

from __future__ import annotations

import json
from pathlib import Path

from watcher.matching.fit import labelled_pairs, main

HEADER = (
    "id,subject,description,status,priority,category,customer_id,requester_name,"
    "requester_email,requester_phone,requester_handles,customer_tier,created_at,"
    "first_response_at,solved_at,channel,compensation,tags"
)
TICKETS = [
    # Solved long before today, but two days after it was opened: recent for the post.
    "NT-1,Faktura zawyżona,Faktura za styczeń zawyżona o 79 zł. Proszę o korektę.,solved,"
    "normal,billing,C1,Anna Nowak,anna@example.pl,,,standard,2024-01-10T10:00:00Z,"
    "2024-01-10T12:00:00Z,2024-01-12T10:00:00Z,email,,billing",
    "NT-2,Brak internetu,Od wczoraj nie działa internet na Długiej.,open,normal,outage,C2,"
    "Jan Lis,jan@example.pl,,,standard,2024-01-09T10:00:00Z,,,phone,,outage",
]
POST = {
    "source": "forum",
    "external_id": "p1",
    "url": "https://forum.example/p1",
    "author": "someone",
    "published_at": "2024-01-11T09:00:00Z",
    "text": "Netia, faktura za styczeń zawyżona o 79 zł i nikt nie odpisuje, skandal",
}


def write_set(folder: Path) -> Path:
    """The one-post set above in `folder`; returns the config to fit it with."""
    folder.mkdir(exist_ok=True)
    (folder / "tickets.csv").write_text("\n".join([HEADER, *TICKETS]) + "\n", encoding="utf-8")
    (folder / "posts.jsonl").write_text(json.dumps(POST) + "\n", encoding="utf-8")
    gold = {"external_id": "p1", "is_complaint": True, "about_brand": True, "ticket_id": "NT-1"}
    (folder / "gold.jsonl").write_text(json.dumps(gold) + "\n", encoding="utf-8")
    config = folder / "watcher.toml"
    config.write_text('[[brands]]\nname = "Netia"\naliases = ["Netia"]\n', encoding="utf-8")
    return config


def test_the_pairs_of_several_sets_are_pooled(tmp_path: Path) -> None:
    config = write_set(tmp_path / "a")
    write_set(tmp_path / "b")
    out = tmp_path / "weights.json"
    main([str(tmp_path / "a"), str(tmp_path / "b"), "--config", str(config), "--out", str(out)])
    meta = json.loads(out.read_text(encoding="utf-8"))["meta"]
    assert meta["true_pairs"] == 2 and meta["wrong_pairs"] == 2
    assert meta["fitted_on"] == f"{tmp_path / 'a'}, {tmp_path / 'b'}"


def test_pairs_are_labelled_as_of_the_posts_time(tmp_path: Path) -> None:
    config = write_set(tmp_path)
    pairs = labelled_pairs(tmp_path, str(config))
    right = [dict((c.feature, c.level) for c in levels) for levels, is_right in pairs if is_right]
    # At today's date NT-1 would be solved two years ago and out of the text index.
    assert len(right) == 1
    assert right[0]["text"] != "none"
    assert len(pairs) == 2


def test_a_set_with_its_own_config_is_read_with_it(tmp_path: Path) -> None:
    """Another brand's set: the shared --config would find no brand in its posts."""
    write_set(tmp_path / "netia")
    other = tmp_path / "other"
    other.mkdir()
    (other / "watcher.toml").write_text(
        '[[brands]]\nname = "Acme"\naliases = ["Acme"]\n', encoding="utf-8"
    )
    out = tmp_path / "weights.json"
    # The Netia set has its own watcher.toml too (write_set); the Acme config is ignored there.
    main([str(tmp_path / "netia"), "--config", str(other / "watcher.toml"), "--out", str(out)])
    assert json.loads(out.read_text(encoding="utf-8"))["meta"]["true_pairs"] == 1
