"""watcher: links public complaints to support tickets, fairly."""

__version__ = "0.1.0"
