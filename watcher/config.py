"""The one registry of settings.

Every setting is declared once below with its name, default and help. The
effective value comes from, in rising precedence: the default, watcher.toml,
the environment variable ``WATCHER_<NAME>``, a command-line flag. Nothing else
in watcher reads the environment.
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from watcher.errors import ConfigError

Kind = Literal["str", "int", "float", "bool", "list", "duration"]
Origin = Literal["default", "file", "env", "flag"]

log = logging.getLogger(__name__)

ENV_PREFIX = "WATCHER_"
DEFAULT_CONFIG_PATH = "watcher.toml"


@dataclass(frozen=True)
class Setting:
    """One declared setting; ``toml`` is its dotted key in watcher.toml."""

    name: str
    default: Any
    help: str
    kind: Kind = "str"
    secret: bool = False
    toml: str = ""

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name

    @property
    def toml_key(self) -> str:
        return self.toml or self.name.lower()


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        "sqlite:///watcher.db",
        "SQLAlchemy URL of the database; PostgreSQL as postgresql+psycopg://user@host/db.",
        toml="database.url",
    ),
    Setting(
        "DATABASE_AUTO_UPGRADE",
        True,
        "Migrate an embedded SQLite database to the current schema on every command.",
        kind="bool",
        toml="database.auto_upgrade",
    ),
    Setting(
        "IMPORT_TIMEZONE",
        "UTC",
        "Time zone assumed for imported timestamps that carry none (e.g. Europe/Warsaw).",
        toml="tickets.import_timezone",
    ),
    Setting(
        "TICKETS_REF_PATTERNS",
        [],
        "Extra regular expressions that recognise ticket references in posts, e.g. NT-\\d+.",
        kind="list",
        toml="tickets.ref_patterns",
    ),
    Setting(
        "SLA_FIRST_RESPONSE_STANDARD",
        "24h",
        "First-response target for standard-tier customers.",
        kind="duration",
        toml="sla.standard.first_response",
    ),
    Setting(
        "SLA_FIRST_RESPONSE_BUSINESS",
        "8h",
        "First-response target for business-tier customers.",
        kind="duration",
        toml="sla.business.first_response",
    ),
    Setting(
        "SLA_FIRST_RESPONSE_PREMIUM",
        "0m",
        "First-response target for premium-tier customers (0m: respond at once).",
        kind="duration",
        toml="sla.premium.first_response",
    ),
    Setting(
        "SLA_RESOLUTION_STANDARD",
        "5d",
        "Resolution target for standard-tier customers.",
        kind="duration",
        toml="sla.standard.resolution",
    ),
    Setting(
        "SLA_RESOLUTION_BUSINESS",
        "2d",
        "Resolution target for business-tier customers.",
        kind="duration",
        toml="sla.business.resolution",
    ),
    Setting(
        "SLA_RESOLUTION_PREMIUM",
        "1d",
        "Resolution target for premium-tier customers.",
        kind="duration",
        toml="sla.premium.resolution",
    ),
    Setting(
        "FETCH_MAX_BYTES",
        5 * 1024 * 1024,
        "Largest page or feed a reader accepts; a bigger one is an error and nothing is stored.",
        kind="int",
        toml="sources.max_bytes",
    ),
    Setting(
        "FETCH_TIMEOUT",
        20.0,
        "Seconds a reader waits for a site before giving up until the next interval.",
        kind="float",
        toml="sources.timeout",
    ),
    Setting(
        "FETCH_USER_AGENT",
        "watcher/0.1 (+https://github.com/watcher-project/watcher)",
        "User-Agent readers send, so site owners can tell who reads them.",
        toml="sources.user_agent",
    ),
    Setting(
        "CRAWL_TIMEOUT",
        300.0,
        "Seconds a forum or blog crawl may run before it is stopped.",
        kind="float",
        toml="sources.crawl_timeout",
    ),
    Setting(
        "REDDIT_CLIENT_ID",
        "",
        "Reddit app id (a 'script' app at reddit.com/prefs/apps) for reddit sources.",
        toml="reddit.client_id",
    ),
    Setting(
        "REDDIT_CLIENT_SECRET",
        "",
        "Reddit app secret.",
        secret=True,
        toml="reddit.client_secret",
    ),
    Setting(
        "REDDIT_USER_AGENT",
        "watcher/0.1 (by /u/your-account)",
        "User-Agent Reddit asks for: the app and the account that runs it.",
        toml="reddit.user_agent",
    ),
    Setting(
        "REDDIT_URL",
        "https://www.reddit.com",
        "Reddit's web address (token endpoint and permalinks); changed only for tests or proxies.",
        toml="reddit.url",
    ),
    Setting(
        "REDDIT_OAUTH_URL",
        "https://oauth.reddit.com",
        "Reddit's API address; changed only for tests or proxies.",
        toml="reddit.oauth_url",
    ),
    Setting(
        "LANGUAGES",
        ["pl", "en"],
        "Languages posts are read in (ISO 639-1); others are reported as such.",
        kind="list",
        toml="understanding.languages",
    ),
    Setting(
        "STORY_WINDOW",
        "7d",
        "Posts this close in time may join one story (a blog post and its Reddit link).",
        kind="duration",
        toml="stories.window",
    ),
    Setting(
        "STORY_FOLLOW_UP_WINDOW",
        "3d",
        "A brand complaint this soon after its author's last one continues that story.",
        kind="duration",
        toml="stories.follow_up_window",
    ),
    Setting(
        "STORY_SIMILARITY",
        0.6,
        "Estimated Jaccard similarity of word 3-shingles above which two texts are one story.",
        kind="float",
        toml="stories.similarity",
    ),
    Setting(
        "MATCH_LINK_THRESHOLD",
        -1.5,
        "Score (log2 odds) at or above which the best candidate, clear of the runner-up by "
        "MATCH_MARGIN, is linked (chosen on the eval dev and free sets).",
        kind="float",
        toml="matching.link_threshold",
    ),
    Setting(
        "MATCH_MARGIN",
        2.0,
        "How far (log2) the best candidate must beat the second to be linked; 2.0 is 4x.",
        kind="float",
        toml="matching.margin",
    ),
    Setting(
        "MATCH_REVIEW_THRESHOLD",
        -2.0,
        "Score below which no candidate is credible and a complaint becomes a new ticket.",
        kind="float",
        toml="matching.review_threshold",
    ),
    Setting(
        "MATCH_TOP_K",
        10,
        "How many tickets the text index proposes per complaint.",
        kind="int",
        toml="matching.top_k",
    ),
    Setting(
        "MATCH_WINDOW",
        "90d",
        "How long before a post a closed ticket may have been opened to be a candidate.",
        kind="duration",
        toml="matching.window",
    ),
    Setting(
        "MATCH_SOLVED_WINDOW",
        "30d",
        "Solved tickets stay in the text index this long after solving.",
        kind="duration",
        toml="matching.solved_window",
    ),
    Setting(
        "TWINS_WINDOW",
        "14d",
        "Quiet twins: open tickets opened this close to the publicly raised one.",
        kind="duration",
        toml="twins.window",
    ),
    Setting(
        "TWINS_MIN_SIMILARITY",
        0.5,
        "Quiet twins: how alike (0-1, word overlap) the tickets' texts must be, same category.",
        kind="float",
        toml="twins.min_similarity",
    ),
    Setting(
        "TWINS_MAX_PER_EVENT",
        50,
        "Quiet twins: at most this many tickets lifted by one public complaint.",
        kind="int",
        toml="twins.max_per_event",
    ),
    Setting(
        "CELERY_BROKER_URL",
        "redis://127.0.0.1:6379/0",
        "Broker of the Celery workers (Redis, or RabbitMQ as amqp://guest@127.0.0.1:5672//).",
        secret=True,
        toml="celery.broker_url",
    ),
    Setting(
        "CELERY_RESULT_BACKEND",
        "",
        "Where Celery keeps task results; empty keeps none (the database is the record).",
        secret=True,
        toml="celery.result_backend",
    ),
    Setting(
        "ALERTS_QUIET_HOURS",
        "",
        "Hours when alerts wait (e.g. 22:00-07:00, in ALERTS_TIMEZONE); empty for none.",
        toml="alerts.quiet_hours",
    ),
    Setting(
        "ALERTS_QUIET_HOURS_EXEMPT",
        ["loud_complaint"],
        "Alert kinds sent even in quiet hours.",
        kind="list",
        toml="alerts.quiet_hours_exempt",
    ),
    Setting(
        "ALERTS_TIMEZONE",
        "Europe/Warsaw",
        "Time zone of quiet hours.",
        toml="alerts.timezone",
    ),
    Setting(
        "ALERTS_DIGEST_KINDS",
        ["review"],
        "Alert kinds collected into one digest message per channel instead of one each.",
        kind="list",
        toml="alerts.digest_kinds",
    ),
    Setting(
        "ALERTS_DIGEST_INTERVAL",
        "1h",
        "How often a digest is sent (1h hourly, 1d daily).",
        kind="duration",
        toml="alerts.digest_interval",
    ),
    Setting(
        "ALERTS_STORY_SOURCES",
        3,
        "A story is alerted to PR as spreading once its posts come from this many sources.",
        kind="int",
        toml="alerts.story_sources",
    ),
    Setting(
        "ALERTS_STORY_VELOCITY",
        5,
        "A story is alerted to PR as growing fast with this many new posts in ALERTS_STORY_WINDOW.",
        kind="int",
        toml="alerts.story_velocity",
    ),
    Setting(
        "ALERTS_STORY_WINDOW",
        "6h",
        "The window in which ALERTS_STORY_VELOCITY new posts make a story fast-growing.",
        kind="duration",
        toml="alerts.story_window",
    ),
    Setting(
        "SLACK_BOT_TOKEN",
        "",
        "Slack bot token (xoxb-...); without it alerts go to the dry-run file.",
        secret=True,
        toml="slack.bot_token",
    ),
    Setting(
        "SLACK_SIGNING_SECRET",
        "",
        "Signing secret of the Slack app; button presses are verified with it.",
        secret=True,
        toml="slack.signing_secret",
    ),
    Setting(
        "SLACK_DRY_RUN_PATH",
        "./slack-dry-run.jsonl",
        "File the dry-run sink appends alert payloads to when no Slack token is set.",
        toml="slack.dry_run_path",
    ),
    Setting(
        "SLACK_CHANNEL_PR",
        "#pr-alerts",
        "Channel for public complaints matched to tickets.",
        toml="slack.channels.pr",
    ),
    Setting(
        "SLACK_CHANNEL_CX",
        "#cx-escalations",
        "Channel for review requests and new tickets.",
        toml="slack.channels.cx",
    ),
    Setting(
        "SLACK_CHANNEL_COMPLIANCE",
        "#compliance",
        "Channel for fairness summaries.",
        toml="slack.channels.compliance",
    ),
    Setting(
        "HELPDESK_KIND",
        "builtin",
        "Helpdesk adapter: builtin (watcher's own database), zendesk, freshdesk or jira.",
        toml="helpdesk.kind",
    ),
    Setting(
        "HELPDESK_PROJECT",
        "",
        "Jira project key for new issues (e.g. SUP); empty: from HELPDESK_URL's /projects/KEY.",
        toml="helpdesk.project",
    ),
    Setting(
        "HELPDESK_ISSUE_TYPE",
        "Task",
        "Jira issue type for new issues.",
        toml="helpdesk.issue_type",
    ),
    Setting(
        "HELPDESK_URL",
        "",
        "Base URL of the helpdesk API, e.g. https://example.zendesk.com.",
        toml="helpdesk.url",
    ),
    Setting(
        "HELPDESK_EMAIL",
        "",
        "Agent e-mail the helpdesk API token belongs to.",
        toml="helpdesk.email",
    ),
    Setting(
        "HELPDESK_TOKEN",
        "",
        "Helpdesk API token.",
        secret=True,
        toml="helpdesk.token",
    ),
    Setting(
        "LOG_LEVEL",
        "INFO",
        "Logging level: DEBUG, INFO, WARNING or ERROR.",
    ),
)

REGISTRY: dict[str, Setting] = {s.name: s for s in SETTINGS}

# Tables of watcher.toml that hold lists of records rather than settings.
STRUCTURED_KEYS = ("brands", "sources")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """Turn '15m', '4h', '7d' into a timedelta."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration; write a number and a unit, e.g. 15m, 4h, 7d")
    return timedelta(**{_DURATION_UNITS[match.group(2)]: float(match.group(1))})


def _coerce(setting: Setting, raw: Any, where: str) -> Any:
    """Bring a raw value (a TOML value or an environment string) to the setting's kind."""
    try:
        if setting.kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(f"{raw!r} is not a boolean; use true or false")
        if setting.kind == "int":
            if isinstance(raw, bool):
                raise ValueError("expected a whole number")
            return int(raw)
        if setting.kind == "float":
            return float(raw)
        if setting.kind == "list":
            if isinstance(raw, list):
                return [str(item) for item in raw]
            text = str(raw).strip()
            if text.startswith("["):
                value = json.loads(text)
                if not isinstance(value, list):
                    raise ValueError("expected a JSON list")
                return [str(item) for item in value]
            return [part.strip() for part in text.split(",") if part.strip()]
        if setting.kind == "duration":
            text = str(raw)
            parse_duration(text)
            return text
        if not isinstance(raw, str):
            raise ValueError(f"expected text, got {type(raw).__name__}")
        return raw
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{where}: invalid value for {setting.name}: {exc}") from exc


@dataclass(frozen=True)
class Brand:
    """A watched brand: posts that name one of its aliases may be about it."""

    name: str
    aliases: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceConfig:
    """A configured source as written in watcher.toml; readers validate their own keys."""

    name: str
    type: str
    url: str = ""
    interval: str = "15m"
    internal: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)


SOURCE_TYPES = ("feed", "reddit", "forum", "blog", "mastodon")
LOUDNESS_TIERS = ("quiet", "notable", "loud", "viral")


@dataclass(frozen=True)
class AlertRoute:
    """Where alerts of a kind go: `[[alerts.routes]]` in watcher.toml; "*" matches anything."""

    channel: str
    kind: str = "*"
    brand: str = "*"
    min_tier: str = "quiet"
    min_severity: str | None = None


def _parse_routes(raw: Any, path: Path) -> tuple[AlertRoute, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: 'alerts.routes' must be an array of tables ([[alerts.routes]])")
    routes = []
    for number, item in enumerate(raw, start=1):
        where = f"{path}: alerts.routes #{number}"
        if not isinstance(item, dict) or not isinstance(item.get("channel"), str):
            raise ConfigError(f'{where}: needs channel = "#name"')
        unknown = set(item) - {"channel", "kind", "brand", "min_tier", "min_severity"}
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        tier = str(item.get("min_tier", "quiet"))
        if tier not in LOUDNESS_TIERS:
            raise ConfigError(f"{where}: min_tier must be one of {', '.join(LOUDNESS_TIERS)}")
        routes.append(
            AlertRoute(
                channel=item["channel"],
                kind=str(item.get("kind", "*")),
                brand=str(item.get("brand", "*")),
                min_tier=tier,
                min_severity=item.get("min_severity"),
            )
        )
    return tuple(routes)


@dataclass
class Config:
    """Effective settings and where each value came from."""

    values: dict[str, Any]
    origins: dict[str, Origin]
    path: Path | None
    brands: tuple[Brand, ...] = ()
    sources: tuple[SourceConfig, ...] = ()
    routes: tuple[AlertRoute, ...] = ()

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def duration(self, name: str) -> timedelta:
        return parse_duration(self.values[name])

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.values["IMPORT_TIMEZONE"])

    def shown(self) -> list[tuple[str, str, Origin]]:
        """Rows of (name, display value, origin) with secrets masked."""
        rows = []
        for setting in SETTINGS:
            value = self.values[setting.name]
            if setting.secret and value:
                display = "********"
            elif isinstance(value, list):
                display = json.dumps(value)
            else:
                display = str(value)
            rows.append((setting.name, display, self.origins[setting.name]))
        return rows


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc


def _parse_brands(raw: Any, path: Path) -> tuple[Brand, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: 'brands' must be an array of tables ([[brands]])")
    brands = []
    for number, entry in enumerate(raw, start=1):
        where = f"{path}: brand #{number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ConfigError(f'{where}: every [[brands]] entry needs a name = "..."')
        unknown = set(entry) - {"name", "aliases", "exclude"}
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        aliases = entry.get("aliases") or [entry["name"]]
        exclude = entry.get("exclude") or []
        for key, value in (("aliases", aliases), ("exclude", exclude)):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: {key} must be a list of strings")
        brands.append(Brand(entry["name"], tuple(aliases), tuple(exclude)))
    return tuple(brands)


def _parse_sources(raw: Any, path: Path) -> tuple[SourceConfig, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: 'sources' must be an array of tables ([[sources]])")
    sources: list[SourceConfig] = []
    seen: set[str] = set()
    for number, entry in enumerate(raw, start=1):
        where = f"{path}: source #{number}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: must be a table")
        name, kind = entry.get("name"), entry.get("type")
        if not isinstance(name, str) or not name:
            raise ConfigError(f'{where}: needs name = "..."')
        if name in seen:
            raise ConfigError(f"{where}: the name {name!r} is used twice; source names are unique")
        seen.add(name)
        if kind not in SOURCE_TYPES:
            raise ConfigError(f"{where} ({name}): type must be one of {', '.join(SOURCE_TYPES)}")
        interval = str(entry.get("interval", "15m"))
        try:
            parse_duration(interval)
        except ValueError as exc:
            raise ConfigError(f"{where} ({name}): interval: {exc}") from exc
        options = {
            k: v
            for k, v in entry.items()
            if k not in ("name", "type", "url", "interval", "internal")
        }
        if "timezone" in options:
            try:
                ZoneInfo(str(options["timezone"]))
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ConfigError(
                    f"{where} ({name}): unknown timezone {options['timezone']!r}; "
                    "use an IANA name such as Europe/Warsaw"
                ) from exc
        sources.append(
            SourceConfig(
                name=name,
                type=kind,
                url=str(entry.get("url", "")),
                interval=interval,
                internal=bool(entry.get("internal", False)),
                options=options,
            )
        )
    return tuple(sources)


def load_config(
    path: str | Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Build the effective configuration.

    ``path`` is the --config flag; without it ``WATCHER_CONFIG`` or ./watcher.toml
    is used when present. ``overrides`` are values from command-line flags.
    """
    environ = os.environ if env is None else env
    explicit = path is not None or "WATCHER_CONFIG" in environ
    config_path = Path(path or environ.get("WATCHER_CONFIG") or DEFAULT_CONFIG_PATH)
    document: dict[str, Any] = {}
    if config_path.exists():
        document = _read_toml(config_path)
    elif explicit:
        raise ConfigError(
            f"config file {config_path} does not exist; "
            f"create one with `watcher init {config_path}`"
        )

    structured = {key: document.pop(key) for key in STRUCTURED_KEYS if key in document}
    alerts_table = document.get("alerts")
    if isinstance(alerts_table, dict) and "routes" in alerts_table:
        structured["routes"] = alerts_table.pop("routes")
    from_file = _flatten(document)
    by_toml = {s.toml_key: s for s in SETTINGS}
    unknown = [key for key in from_file if key not in by_toml]
    if unknown:
        hints = []
        for key in unknown:
            close = difflib.get_close_matches(key, list(by_toml), n=1)
            hints.append(f"{key} (did you mean {close[0]}?)" if close else key)
        raise ConfigError(f"{config_path}: unknown setting(s): {', '.join(hints)}")

    for name in environ:
        bare = name[len(ENV_PREFIX) :]
        if name.startswith(ENV_PREFIX) and name != "WATCHER_CONFIG" and bare not in REGISTRY:
            close = difflib.get_close_matches(bare, list(REGISTRY), n=1)
            if close:  # a near miss is a typo; other WATCHER_* variables may belong to tools
                log.warning(
                    "ignoring %s: no such setting (did you mean %s%s?)", name, ENV_PREFIX, close[0]
                )

    values: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    for setting in SETTINGS:
        value: Any = setting.default
        origin: Origin = "default"
        if setting.toml_key in from_file:
            value = _coerce(setting, from_file[setting.toml_key], str(config_path))
            origin = "file"
        if setting.env in environ:
            value = _coerce(setting, environ[setting.env], setting.env)
            origin = "env"
        if overrides and overrides.get(setting.name) is not None:
            value = _coerce(setting, overrides[setting.name], "command line")
            origin = "flag"
        values[setting.name], origins[setting.name] = value, origin

    try:
        ZoneInfo(values["IMPORT_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"IMPORT_TIMEZONE: unknown time zone {values['IMPORT_TIMEZONE']!r}; "
            "use an IANA name such as UTC or Europe/Warsaw"
        ) from exc
    for pattern in values["TICKETS_REF_PATTERNS"]:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(
                f"TICKETS_REF_PATTERNS: {pattern!r} is not a valid regex: {exc}"
            ) from exc

    return Config(
        values=values,
        origins=origins,
        path=config_path if config_path.exists() else None,
        brands=_parse_brands(structured["brands"], config_path) if "brands" in structured else (),
        sources=_parse_sources(structured["sources"], config_path)
        if "sources" in structured
        else (),
        routes=_parse_routes(structured["routes"], config_path) if "routes" in structured else (),
    )
