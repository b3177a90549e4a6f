"""The deployment files agree with the product: variable names, commands, quick start.

Docker cannot run on every machine, so these check the files themselves: every
variable they set is a `Settings` variable and loads as a valid configuration,
the image runs unprivileged with compiled catalogues, and CI runs the whole
suite with PostgreSQL required.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from core.config import PROJECT_ROOT, Settings, load_settings

ALIASES = {str(field.alias) for field in Settings.model_fields.values()}
# Variables the image sets for Python itself, not for Passerelle.
INTERPRETER_VARIABLES = {
    "PATH",
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "PIP_NO_CACHE_DIR",
    "PIP_DISABLE_PIP_VERSION_CHECK",
}
OUR_SERVICES = ("migrate", "bot", "admin")


def _read(name: str) -> str:
    return (PROJECT_ROOT / name).read_text(encoding="utf-8")


# --- a strict reader for the block-style YAML that docker-compose.yml is written in


class UnsupportedYaml(ValueError):
    pass


def parse_block_yaml(text: str) -> Any:
    """Block mappings, block sequences of scalars, flow lists and comments.

    Anything else (anchors, multi-line strings, flow mappings…) is refused
    rather than misread, so a check on the result never passes by accident.
    """
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        content = _strip_comment(raw).rstrip()
        if content.strip():
            if "\t" in content[: len(content) - len(content.lstrip())]:
                raise UnsupportedYaml(f"line {number}: tab indentation")
            lines.append((len(content) - len(content.lstrip(" ")), content.strip(), number))
    if not lines:
        return None
    value, end = _block(lines, 0, lines[0][0])
    if end != len(lines):
        raise UnsupportedYaml(f"line {lines[end][2]}: unexpected indentation")
    return value


def _strip_comment(line: str) -> str:
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[:index]
    return line


def _block(lines: list[tuple[int, str, int]], start: int, indent: int) -> tuple[Any, int]:
    if lines[start][1].startswith("- "):
        items = []
        index = start
        while index < len(lines) and lines[index][0] == indent:
            _, content, number = lines[index]
            if not content.startswith("- "):
                raise UnsupportedYaml(f"line {number}: expected a list item")
            items.append(_scalar(content[2:].strip(), number))
            index += 1
        return items, index
    mapping: dict[str, Any] = {}
    index = start
    while index < len(lines) and lines[index][0] == indent:
        _, content, number = lines[index]
        key, colon, rest = content.partition(":")
        if not colon or (rest and not rest.startswith(" ")) or key.startswith(("-", "?")):
            raise UnsupportedYaml(f"line {number}: expected `key: value`")
        key = str(_scalar(key.strip(), number))
        if key in mapping:
            raise UnsupportedYaml(f"line {number}: duplicate key {key}")
        index += 1
        if rest.strip():
            mapping[key] = _scalar(rest.strip(), number)
        elif index < len(lines) and lines[index][0] > indent:
            mapping[key], index = _block(lines, index, lines[index][0])
        else:
            mapping[key] = None
    return mapping, index


def _scalar(text: str, number: int) -> Any:
    if text.startswith(("&", "*", "|", ">", "!", "{", "%", "@", "`")) or text == "<<":
        raise UnsupportedYaml(f"line {number}: unsupported YAML {text!r}")
    if text.startswith(("[", '"')):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise UnsupportedYaml(f"line {number}: {error}") from None
    if text.startswith("'"):
        if not text.endswith("'") or len(text) < 2:
            raise UnsupportedYaml(f"line {number}: unterminated string")
        return text[1:-1].replace("''", "'")
    return text


def test_the_yaml_reader_reads_mappings_lists_and_comments() -> None:
    text = 'a:\n  b: \'it\'\'s\'\n  c:\n    - "1:2"\n    - y # note\n  d: ["x", "y z"]\n'

    assert parse_block_yaml(text) == {"a": {"b": "it's", "c": ["1:2", "y"], "d": ["x", "y z"]}}


@pytest.mark.parametrize(
    "text",
    [
        "a: &base\n  b: 1\n",
        "a: *base\n",
        "a: |\n  text\n",
        "a: {b: 1}\n",
        "a:\n  b: 1\n   c: 2\n",
        "a: 1\na: 2\n",
        "a:\n  - x\n  b: 1\n",
    ],
)
def test_the_yaml_reader_refuses_what_it_does_not_understand(text: str) -> None:
    with pytest.raises(UnsupportedYaml):
        parse_block_yaml(text)


# --- docker-compose.yml


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    parsed = parse_block_yaml(_read("docker-compose.yml"))
    assert isinstance(parsed, dict)
    return parsed


def _environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {str(name): str(value) for name, value in environment.items()}


def _with_compose_defaults(value: str) -> str:
    """Interpolate `${NAME:-default}` and `${NAME}` as compose does with nothing set."""
    return re.sub(r"\$\{[A-Z_][A-Z0-9_]*(?::?-([^}]*))?\}", lambda m: m.group(1) or "", value)


def test_compose_has_the_database_the_bot_and_the_panel(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"postgres", *OUR_SERVICES}
    postgres = compose["services"]["postgres"]
    assert postgres["image"].startswith("postgres:15")
    assert postgres["healthcheck"]["test"]
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in postgres["volumes"])


@pytest.mark.parametrize("name", OUR_SERVICES)
def test_compose_sets_only_settings_variables(compose: dict[str, Any], name: str) -> None:
    service = compose["services"][name]
    environment = _environment(service)

    assert service["build"] == "."
    assert environment, f"{name} sets no variable"
    assert set(environment) <= ALIASES, set(environment) - ALIASES


@pytest.mark.parametrize("name", OUR_SERVICES)
def test_compose_environment_is_a_valid_configuration_on_postgresql(
    compose: dict[str, Any], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ALIASES:
        monkeypatch.delenv(variable, raising=False)
    for variable, value in _environment(compose["services"][name]).items():
        monkeypatch.setenv(variable, _with_compose_defaults(value))

    settings = load_settings(None)

    url = make_url(settings.database_url)
    postgres = {
        variable: _with_compose_defaults(value)
        for variable, value in _environment(compose["services"]["postgres"]).items()
    }
    assert (url.host, url.port) == ("postgres", 5432)
    assert (url.username, url.password, url.database) == (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_PASSWORD"],
        postgres["POSTGRES_DB"],
    )


def test_compose_migrates_before_starting_the_bot_and_the_panel(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == ["python", "-m", "bot", "migrate"]
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["bot"]["command"] == ["python", "-m", "bot", "run"]
    assert services["admin"]["command"][:4] == ["python", "-m", "admin", "serve"]
    for name in ("bot", "admin"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }


def test_compose_bot_listens_where_its_port_is_published(compose: dict[str, Any]) -> None:
    bot = compose["services"]["bot"]
    port = _environment(bot)["WEBHOOK_LISTEN"].rpartition(":")[2]
    assert f"{port}:{port}" in bot["ports"]


# --- .env.example


def _env_example() -> list[tuple[str, str, list[str]]]:
    """(variable, value, the comment lines just above it) for each assignment."""
    entries, comments = [], []
    for line in _read(".env.example").splitlines():
        if line.startswith("#"):
            comments.append(line)
        elif not line.strip():
            comments = []
        else:
            name, equals, value = line.partition("=")
            assert equals, f"not a NAME=value line: {line!r}"
            entries.append((name, value, comments))
    return entries


def test_env_example_lists_every_variable_once_with_a_comment() -> None:
    entries = _env_example()
    names = [name for name, _, _ in entries]

    assert sorted(names) == sorted(ALIASES)
    for name, _, comments in entries:
        assert comments, f"{name} has no comment above it"


def test_env_example_is_a_valid_configuration(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for variable in ALIASES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)

    settings = load_settings(env_file=PROJECT_ROOT / ".env.example")
    defaults = load_settings(None)

    for field in Settings.model_fields:
        if field != "database_url":  # the example's path is relative to the working directory
            assert getattr(settings, field) == getattr(defaults, field), field
    assert settings.database_url == "sqlite+aiosqlite:///var/passerelle.db"


# --- Dockerfile


def _dockerfile_instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", _read("Dockerfile"))
    instructions = []
    for line in joined.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, rest in _dockerfile_instructions():
        if keyword == "FROM":
            stages.append([])
        assert stages, "the Dockerfile must start with FROM"
        stages[-1].append((keyword, rest))
    return stages


def test_dockerfile_is_multi_stage_and_compiles_the_catalogues() -> None:
    stages = _stages()
    assert len(stages) >= 2
    runs = " ".join(rest for stage in stages[:-1] for keyword, rest in stage if keyword == "RUN")
    assert "pybabel compile" in runs
    assert "-d locales" in runs


def test_dockerfile_runs_the_bot_as_an_unprivileged_user() -> None:
    runtime = _stages()[-1]
    users = [rest for keyword, rest in runtime if keyword == "USER"]
    cmd = [rest for keyword, rest in runtime if keyword == "CMD"]

    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert [json.loads(rest) for rest in cmd] == [["python", "-m", "bot", "run"]]


def test_dockerfile_sets_only_settings_or_interpreter_variables() -> None:
    names = set()
    for keyword, rest in _dockerfile_instructions():
        if keyword == "ENV":
            names |= {word.split("=", 1)[0] for word in shlex.split(rest)}
    assert names
    assert names <= ALIASES | INTERPRETER_VARIABLES, names - ALIASES - INTERPRETER_VARIABLES


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image() -> None:
    ignored = {line.strip() for line in _read(".dockerignore").splitlines()}
    assert {".env", ".venv", "var", ".git"} <= ignored


# --- CI and README


def test_ci_requires_postgresql_and_runs_lint_and_the_whole_suite() -> None:
    script = PROJECT_ROOT / ".ci" / "run"
    text = script.read_text(encoding="utf-8")

    assert os.access(script, os.X_OK)
    assert "set -euo pipefail" in text
    assert re.search(r"^export REQUIRE_POSTGRES=1$", text, re.MULTILINE)
    commands = [line.strip() for line in text.splitlines()]
    assert "make test" in commands
    assert any(line.startswith("make lint") for line in commands)
    assert "postgresql" in text
    assert "chromium" in text
    subprocess.run(["bash", "-n", str(script)], check=True)


def _section(markdown: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def test_readme_quick_start_is_exactly_two_commands() -> None:
    quick_start = _section(_read("README.md"), "Quick start")
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", quick_start, re.M | re.S)
    commands = [line.strip() for block in blocks for line in block.splitlines() if line.strip()]

    assert commands == ["make run", "make test"]


def test_readme_documents_every_variable() -> None:
    configuration = _section(_read("README.md"), "Configuration")
    rows = re.findall(r"^\| *`([A-Z_]+)` *\|", configuration, re.M)

    assert sorted(rows) == sorted(ALIASES)
