"""Tickets: import and export, helpdesk adapters, priority policy."""
