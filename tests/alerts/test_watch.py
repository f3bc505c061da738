"""Alerts about the watch: unhealthy sources, spreading and fast stories, SLA breaches, threads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakeweb import Reply, Seen, fake_web
from watcher.alerts.build import queue_watch_alerts
from watcher.alerts.send import SlackNotifier, send_alerts
from watcher.config import load_config
from watcher.models import Alert, Complaint, Post, Source, Story, Ticket
from watcher.tickets.actions import PUBLIC_TAG

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
CONFIG = load_config(None)


def _source(session: Session, name: str, **fields: object) -> Source:
    source = Source(name=name, type="feed", **fields)
    session.add(source)
    session.flush()
    return source


def _story(session: Session, sources: int, posts_each: int, *, age: timedelta) -> Story:
    story = Story(title="Netia <!channel> awaria na Mokotowie")
    session.add(story)
    session.flush()
    for s in range(sources):
        source = _source(session, f"src-{story.id}-{s}")
        for p in range(posts_each):
            post = Post(
                source_id=source.id,
                external_id=f"{s}-{p}",
                text="Netia nie działa",
                content_hash="h",
                story_id=story.id,
                published_at=NOW - age,
            )
            session.add(post)
            session.flush()
            session.add(
                Complaint(
                    post_id=post.id,
                    brand="Netia",
                    is_complaint=True,
                    about_brand=True,
                    confidence=0.9,
                    loudness_tier="loud",
                )
            )
    session.flush()
    return story


def _alerts(session: Session, kind: str) -> list[Alert]:
    return list(session.scalars(select(Alert).where(Alert.kind == kind).order_by(Alert.id)))


def test_an_unhealthy_source_is_alerted_once_per_episode_with_its_reason_inert(
    session: Session,
) -> None:
    source = _source(
        session,
        "forum",
        unhealthy_reason="failed: <!here> HTTP 503",
        unhealthy_since=NOW - timedelta(hours=1),
    )
    _source(session, "fine")
    [alert] = queue_watch_alerts(session, CONFIG, now=NOW)
    assert (alert.kind, alert.channel) == ("source_unhealthy", "#cx-escalations")
    body = json.dumps(alert.payload)
    assert "<!here>" not in body and "&lt;!here&gt; HTTP 503" in body
    assert queue_watch_alerts(session, CONFIG, now=NOW + timedelta(minutes=5)) == []
    source.unhealthy_since = NOW + timedelta(days=1)  # healthy in between, failing again
    assert len(queue_watch_alerts(session, CONFIG, now=NOW + timedelta(days=1))) == 1


def test_a_story_spreading_to_more_sources_is_alerted_to_pr_at_each_step(
    session: Session,
) -> None:
    story = _story(session, sources=2, posts_each=1, age=timedelta(days=2))
    assert queue_watch_alerts(session, CONFIG, now=NOW) == []
    source = _source(session, "third")
    session.add(
        Post(
            source_id=source.id,
            external_id="x",
            text="t",
            content_hash="h",
            story_id=story.id,
            published_at=NOW - timedelta(days=1),
        )
    )
    session.flush()
    [alert] = queue_watch_alerts(session, CONFIG, now=NOW)
    assert (alert.kind, alert.channel, alert.thread_key) == (
        "story_spreading",
        "#pr-alerts",
        f"story:{story.id}",
    )
    assert "3 posts in 3 sources" in json.dumps(alert.payload)
    assert "<!channel>" not in json.dumps(alert.payload)
    assert queue_watch_alerts(session, CONFIG, now=NOW) == []


def test_a_fast_growing_story_is_alerted_once_a_day(session: Session) -> None:
    _story(session, sources=1, posts_each=4, age=timedelta(hours=1))
    assert _alerts(session, "story_velocity") == [] == queue_watch_alerts(session, CONFIG, now=NOW)
    old = _story(session, sources=1, posts_each=9, age=timedelta(days=1))
    assert queue_watch_alerts(session, CONFIG, now=NOW) == []  # many posts, but not recently
    fast = _story(session, sources=1, posts_each=5, age=timedelta(hours=2))
    [alert] = queue_watch_alerts(session, CONFIG, now=NOW)
    assert (alert.kind, alert.thread_key) == ("story_velocity", f"story:{fast.id}")
    assert old.id != fast.id
    assert queue_watch_alerts(session, CONFIG, now=NOW + timedelta(hours=1)) == []


def test_sla_breach_only_for_open_publicly_raised_tickets(session: Session) -> None:
    def ticket(id_: str, days: int, tags: list[str], status: str = "open") -> None:
        session.add(
            Ticket(
                external_id=id_,
                subject="s",
                status=status,
                tags=tags,
                created_at=NOW - timedelta(days=days),
                content_hash="h",
            )
        )

    ticket("NT-1", 6, [PUBLIC_TAG])  # standard tier: 5 days to resolve
    ticket("NT-2", 4, [PUBLIC_TAG])  # within target
    ticket("NT-3", 30, [])  # quiet: the fairness report covers it, not PR
    ticket("NT-4", 30, [PUBLIC_TAG], status="solved")
    session.flush()
    [alert] = queue_watch_alerts(session, CONFIG, now=NOW)
    assert alert.kind == "sla_breach" and "NT-1" in alert.payload["text"]
    assert queue_watch_alerts(session, CONFIG, now=NOW) == []


def test_updates_about_a_story_go_into_the_thread_of_its_first_message(session: Session) -> None:
    calls: list[Seen] = []

    def post_message(request: Seen) -> Reply:
        calls.append(request)
        ts = f"1700000000.00010{len(calls)}"
        return Reply(
            200, json.dumps({"ok": True, "ts": ts}).encode(), {"Content-Type": "application/json"}
        )

    payload = {"text": "x", "blocks": []}
    for n in range(3):
        session.add(
            Alert(
                subject=f"s{n}",
                kind="story_spreading",
                channel="#pr",
                payload=payload,
                thread_key="story:1" if n != 1 else "story:2",
            )
        )
    session.add(
        Alert(
            subject="s3",
            kind="story_spreading",
            channel="#other",
            payload=payload,
            thread_key="story:1",
        )
    )
    session.flush()
    with fake_web() as web:
        web.routes["/api/chat.postMessage"] = post_message
        notifier = SlackNotifier("xoxb-test", base_url=f"{web.base}/api/")
        send_alerts(session, notifier, now=NOW)
        session.add(
            Alert(
                subject="s4",
                kind="story_velocity",
                channel="#pr",
                payload=payload,
                thread_key="story:1",
            )
        )
        send_alerts(session, notifier, now=NOW)
    bodies = [json.loads(c.body) for c in calls]
    threads = [b.get("thread_ts") for b in bodies]
    first = "1700000000.000101"
    assert threads == [None, None, first, None, first]  # another channel has its own thread
