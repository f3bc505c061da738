"""Exceptions a user can act on; the CLI shows their message without a traceback."""


class WatcherError(Exception):
    """Base of every error caused by input, configuration or the environment."""


class ConfigError(WatcherError):
    """watcher.toml or an environment variable is invalid."""


class InputError(WatcherError):
    """An input file cannot be read or holds invalid rows."""


class SchemaError(WatcherError):
    """The database schema is missing or older than this version of watcher."""
