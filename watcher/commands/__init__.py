"""Commands that live beside the area they drive (crawl, process, report, ...).

Each module here defines click commands or groups and lists them in a
module-level ``COMMANDS``; `register` adds them to the `watcher` group. The
shared flags and state (`common_options`, `pass_state`, `State`) come from
`watcher.cli`, which imports this package last.
"""

from __future__ import annotations

import importlib
import pkgutil

import click


def register(group: click.Group) -> None:
    """Add every module's COMMANDS to the top-level group, in module-name order."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda item: item.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            group.add_command(command)
