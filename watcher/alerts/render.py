"""Block Kit payloads for alerts, within Slack's limits, with a plain-text fallback."""

from __future__ import annotations

from typing import Any

from watcher.alerts.escape import MAX_SECTION, escape, link, truncate
from watcher.models import Complaint, Ticket

HEADER_LIMIT = 150
TITLES = {
    "loud_complaint": "Public complaint linked to a ticket",
    "new_ticket": "Public complaint with no ticket: ticket created",
    "review": "Public complaint waiting for review",
}


def render_complaint(
    kind: str, complaint: Complaint, ticket: Ticket | None, twins: list[str]
) -> dict[str, Any]:
    """The chat.postMessage arguments (minus channel) for an alert about one complaint."""
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
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": label},
                     "action_id": f"{action}:{complaint.id}", "value": str(complaint.id)}
                    for action, label in (("confirm", "Confirm match"), ("reject", "Reject match"))
                ],
            }
        )  # fmt: skip
    fallback = f"{TITLES[kind]}: {post.author or 'unknown'} on {where}"
    if ticket is not None:
        fallback += f", ticket {ticket.external_id}"
    return {
        "text": escape(fallback),
        "blocks": blocks,
        "unfurl_links": False,
        "unfurl_media": False,
    }
