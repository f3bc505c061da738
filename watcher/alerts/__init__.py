"""Slack alerts: rendering, routing, sending."""
