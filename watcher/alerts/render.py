"""Block Kit payloads for alerts, within Slack's limits, with a plain-text fallback."""

from __future__ import annotations

import json
from typing import Any

from watcher.alerts.escape import MAX_SECTION, escape, link, truncate
from watcher.models import Complaint, Ticket

HEADER_LIMIT = 150
TITLES = {
    "loud_complaint": "Public complaint linked to a ticket",
    "new_ticket": "Public complaint with no ticket: ticket created",
    "review": "Public complaint waiting for review",
}
DECISIONS = (("confirm", "Confirm match"), ("reject", "Reject match"), ("create", "Create ticket"))


def _button(label: str, action_id: str, value: str) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": label},
            "action_id": action_id, "value": value[:2000]}  # fmt: skip


def _acknowledge(kind: str, subject: str) -> dict[str, Any]:
    value = json.dumps({"kind": kind, "subject": subject})
    return {"type": "actions", "block_id": "watcher_ack",
            "elements": [_button("Acknowledge", "acknowledge", value)]}  # fmt: skip


def _review_actions(complaint_id: int, candidates: list[str]) -> list[dict[str, Any]]:
    """Decision buttons, a menu of the other candidate tickets and a box for any ticket id."""
    elements: list[dict[str, Any]] = [
        _button(label, f"{action}:{complaint_id}", str(complaint_id)) for action, label in DECISIONS
    ]
    if candidates:
        options = [
            {"text": {"type": "plain_text", "text": truncate(escape(c), 75)}, "value": c[:150]}
            for c in candidates[:100]
        ]
        elements.append(
            {"type": "static_select", "action_id": f"relink:{complaint_id}", "options": options,
             "placeholder": {"type": "plain_text", "text": "Relink to a candidate"}}
        )  # fmt: skip
    relink_box = {
        "type": "input",
        "block_id": "watcher_relink",
        "dispatch_action": True,
        "label": {"type": "plain_text", "text": "Relink to ticket id"},
        "element": {
            "type": "plain_text_input",
            "action_id": f"relink_id:{complaint_id}",
            "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
        },
    }
    return [{"type": "actions", "block_id": "watcher_decide", "elements": elements}, relink_box]


def render_watch(
    kind: str, subject: str, title: str, facts: list[tuple[str, str]]
) -> dict[str, Any]:
    """An alert about the watch itself: a header, labelled facts (escaped) and acknowledge."""
    lines = "\n".join(f"*{label}:* {escape(value)}" for label, value in facts)
    subject_line = f"{title}: {facts[0][1]}" if facts else title
    return {
        "text": truncate(escape(subject_line), 300),
        "blocks": [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": truncate(escape(title), HEADER_LIMIT)},
            },
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": truncate(lines, MAX_SECTION) or "-"},
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": kind.replace("_", " ")}]},
            _acknowledge(kind, subject),
        ],
        "unfurl_links": False,
        "unfurl_media": False,
    }


def render_complaint(
    kind: str,
    complaint: Complaint,
    ticket: Ticket | None,
    twins: list[str],
    *,
    candidates: list[str] | None = None,
) -> dict[str, Any]:
    """The chat.postMessage arguments (minus channel) for an alert about one complaint.

    A review alert carries the decision buttons (confirm, reject, create a ticket,
    relink to a candidate or to any ticket id); every other alert an acknowledge button.
    """
    post = complaint.post
    author = escape(post.author or "unknown author")
    where = escape(post.source.name if post.source else "unknown source")
    quote = truncate(escape(" ".join(((post.title or "") + " " + post.text).split())), 600)
    facts = [
        f"*Who:* {author} on {where} ({link(post.url, 'post')})",
        f"*How loud:* {complaint.loudness_tier or 'quiet'} ({complaint.loudness or 0:.0f}/100)",
        f"*Category / severity:* {escape(complaint.category or '-')} / "
        f"{escape(complaint.severity or '-')}",
    ]
    if ticket is not None:
        priority = ticket.current_priority or ticket.priority or "normal"
        facts.append(f"*Ticket:* {escape(ticket.external_id)}, priority *{escape(priority)}*")
        if ticket.priority_reason:
            facts.append(f"*Why:* {truncate(escape(ticket.priority_reason), 800)}")
    if twins:
        facts.append(
            f"*Quiet customers with the same issue lifted:* {len(twins)} "
            f"({escape(', '.join(twins[:10]))})"
        )
    score = complaint.decision_score if complaint.decision_score is not None else "-"
    details = truncate("\n".join(facts), MAX_SECTION)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": TITLES[kind][:HEADER_LIMIT]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": details}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f">{quote}" if quote else "-"}},
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn",
                 "text": f"decision {escape(complaint.decision or '-')}, score {score}"}
            ],
        },
    ]  # fmt: skip
    if kind == "review":
        blocks.extend(_review_actions(complaint.id, candidates or []))
    else:
        blocks.append(_acknowledge(kind, f"complaint:{complaint.id}"))
    fallback = f"{TITLES[kind]}: {post.author or 'unknown'} on {where}"
    if ticket is not None:
        fallback += f", ticket {ticket.external_id}"
    return {
        "text": escape(fallback),
        "blocks": blocks,
        "unfurl_links": False,
        "unfurl_media": False,
    }
