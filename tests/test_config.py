"""The settings registry: precedence, validation, documentation."""

from __future__ import annotations

import re
from datetime import timedelta
from importlib.resources import files
from pathlib import Path

import pytest

from watcher.config import SETTINGS, load_config, parse_duration
from watcher.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_local_watcher_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own ./watcher.toml must not leak into these tests."""
    monkeypatch.chdir(tmp_path)


def write(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


def test_defaults_apply_without_a_file() -> None:
    config = load_config(None, env={})
    assert config["DATABASE_URL"] == "sqlite:///watcher.db"
    assert config.origins["DATABASE_URL"] == "default"


def test_file_overrides_default(tmp_path: Path) -> None:
    path = write(tmp_path / "w.toml", '[database]\nurl = "sqlite:///from-file.db"\n')
    config = load_config(path, env={})
    assert config["DATABASE_URL"] == "sqlite:///from-file.db"
    assert config.origins["DATABASE_URL"] == "file"


def test_environment_overrides_file(tmp_path: Path) -> None:
    path = write(tmp_path / "w.toml", '[database]\nurl = "sqlite:///from-file.db"\n')
    env = {"WATCHER_DATABASE_URL": "sqlite:///from-env.db"}
    config = load_config(path, env=env)
    assert config["DATABASE_URL"] == "sqlite:///from-env.db"
    assert config.origins["DATABASE_URL"] == "env"


def test_flag_overrides_environment(tmp_path: Path) -> None:
    path = write(tmp_path / "w.toml", '[database]\nurl = "sqlite:///from-file.db"\n')
    env = {"WATCHER_DATABASE_URL": "sqlite:///from-env.db"}
    config = load_config(path, env=env, overrides={"DATABASE_URL": "sqlite:///from-flag.db"})
    assert config["DATABASE_URL"] == "sqlite:///from-flag.db"
    assert config.origins["DATABASE_URL"] == "flag"


def test_config_path_comes_from_environment(tmp_path: Path) -> None:
    path = write(tmp_path / "elsewhere.toml", '[tickets]\nimport_timezone = "Europe/Warsaw"\n')
    config = load_config(env={"WATCHER_CONFIG": str(path)})
    assert config["IMPORT_TIMEZONE"] == "Europe/Warsaw"
    assert config.path == path


def test_default_path_is_watcher_toml_in_working_directory(tmp_path: Path) -> None:
    write(tmp_path / "watcher.toml", '[tickets]\nimport_timezone = "Europe/Warsaw"\n')
    assert load_config(env={})["IMPORT_TIMEZONE"] == "Europe/Warsaw"


def test_missing_explicit_file_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="watcher init"):
        load_config(tmp_path / "nope.toml", env={})


def test_typed_values_from_environment() -> None:
    env = {
        "WATCHER_DATABASE_AUTO_UPGRADE": "no",
        "WATCHER_TICKETS_REF_PATTERNS": r'["NT-\\d+", "ZG/\\d{4}"]',
    }
    config = load_config(None, env=env)
    assert config["DATABASE_AUTO_UPGRADE"] is False
    assert config["TICKETS_REF_PATTERNS"] == [r"NT-\d+", r"ZG/\d{4}"]


def test_comma_separated_list_from_environment() -> None:
    config = load_config(None, env={"WATCHER_TICKETS_REF_PATTERNS": r"NT-\d+, ZG-\d+"})
    assert config["TICKETS_REF_PATTERNS"] == [r"NT-\d+", r"ZG-\d+"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"WATCHER_DATABASE_AUTO_UPGRADE": "maybe"}, "not a boolean"),
        ({"WATCHER_SLA_FIRST_RESPONSE_STANDARD": "four hours"}, "not a duration"),
        ({"WATCHER_IMPORT_TIMEZONE": "Mars/Olympus"}, "unknown time zone"),
        ({"WATCHER_TICKETS_REF_PATTERNS": "NT-(\\d+"}, "not a valid regex"),
    ],
)
def test_invalid_values_are_clear_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(None, env=env)


def test_unknown_key_in_file_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path / "w.toml", '[database]\nurll = "sqlite://"\n')
    with pytest.raises(ConfigError, match=r"database\.urll \(did you mean database\.url\?\)"):
        load_config(path, env={})


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "w.toml", "[database\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path, env={})


def test_secrets_are_masked() -> None:
    config = load_config(None, env={"WATCHER_SLACK_BOT_TOKEN": "xoxb-very-secret"})
    shown = {name: value for name, value, _ in config.shown()}
    assert "xoxb" not in shown["SLACK_BOT_TOKEN"]
    assert shown["SLACK_BOT_TOKEN"] == "********"


def test_brand_configuration_shape(tmp_path: Path) -> None:
    path = write(
        tmp_path / "w.toml",
        """
[[brands]]
name = "Netia"
aliases = ["Netia", "Dropss"]
exclude = []
[tickets]
ref_patterns = ['NT-\\d+']
""",
    )
    config = load_config(path, env={})
    assert [b.name for b in config.brands] == ["Netia"]
    assert config.brands[0].aliases == ("Netia", "Dropss")
    assert config["TICKETS_REF_PATTERNS"] == [r"NT-\d+"]


def test_brand_without_aliases_uses_its_name(tmp_path: Path) -> None:
    path = write(tmp_path / "w.toml", '[[brands]]\nname = "Orange"\n')
    assert load_config(path, env={}).brands[0].aliases == ("Orange",)


def test_sources_keep_reader_specific_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path / "w.toml",
        """
[[sources]]
name = "forum-example"
type = "forum"
url = "https://forum.example.pl/viewforum.php?f=3"
preset = "phpbb3"
interval = "15m"
internal = false
""",
    )
    (source,) = load_config(path, env={}).sources
    assert (source.name, source.type, source.interval) == ("forum-example", "forum", "15m")
    assert source.options == {"preset": "phpbb3"}


def test_duplicate_source_names_are_refused(tmp_path: Path) -> None:
    body = '[[sources]]\nname = "a"\ntype = "feed"\n' * 2
    with pytest.raises(ConfigError, match="used twice"):
        load_config(write(tmp_path / "w.toml", body), env={})


def test_unknown_source_type_is_refused(tmp_path: Path) -> None:
    body = '[[sources]]\nname = "a"\ntype = "twitter"\n'
    with pytest.raises(ConfigError, match="type must be one of"):
        load_config(write(tmp_path / "w.toml", body), env={})


def test_starter_file_is_a_valid_configuration(tmp_path: Path) -> None:
    path = write(tmp_path / "w.toml", (files("watcher") / "starter.toml").read_text())
    config = load_config(path, env={})
    assert config.brands and config.origins["SLA_FIRST_RESPONSE_BUSINESS"] == "file"


def test_durations() -> None:
    assert parse_duration("15m") == timedelta(minutes=15)
    assert parse_duration("2d") == timedelta(days=2)
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"WATCHER_([A-Z0-9_]+)", readme))
    missing = [s.name for s in SETTINGS if s.name not in documented]
    assert not missing, f"settings missing from README.md: {missing}"
