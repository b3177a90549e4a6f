"""Dependencies point one way: bot/, admin/ → flows/ → core/, and no transport below bot/admin.

Two checks: importing every module of core/ and flows/ in a fresh interpreter
loads no Telegram or web library, and no source file there even names one.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT

TRANSPORTS = ("aiogram", "telegram", "fastapi", "starlette")
# What each layer must never import, besides the transports.
OUTER_LAYERS = {
    "core": ("flows", "bot", "admin", "tests", "bench"),
    "flows": ("bot", "admin", "tests", "bench"),
}
# Alembic loads these scripts itself; importing env.py would run the migrations.
NOT_IMPORTABLE = ("core/migrations/",)

PROBE = """
import importlib, json, sys
for name in sys.argv[2:]:
    importlib.import_module(name)
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(sys.argv[1])))
print(json.dumps(loaded))
"""


def _sources(package: str) -> list[Path]:
    return sorted((PROJECT_ROOT / package).rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _importable_modules() -> list[str]:
    return [
        _module_name(path)
        for package in OUTER_LAYERS
        for path in _sources(package)
        if not path.relative_to(PROJECT_ROOT).as_posix().startswith(NOT_IMPORTABLE)
    ]


def _transports_loaded_by(modules: list[str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(TRANSPORTS), *modules],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def _imported_top_levels(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def test_importing_core_and_flows_loads_no_transport_library() -> None:
    modules = _importable_modules()
    assert "core.config" in modules
    assert "core.db" in modules

    assert _transports_loaded_by(modules) == []


def test_the_import_probe_sees_a_transport_library() -> None:
    """The check above can fail: the same probe reports a transport when one is imported."""
    assert _transports_loaded_by(["core.config", "starlette"]) == ["starlette"]


@pytest.mark.parametrize("package", list(OUTER_LAYERS))
def test_no_source_file_imports_a_transport_or_an_outer_layer(package: str) -> None:
    forbidden = set(TRANSPORTS) | set(OUTER_LAYERS[package])
    sources = _sources(package)
    assert sources, f"no Python file under {package}/"

    offences = [
        f"{path.relative_to(PROJECT_ROOT)}:{line} imports {name}"
        for path in sources
        for line, name in _imported_top_levels(path)
        if name in forbidden
    ]

    assert offences == []


def test_the_static_check_sees_forbidden_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "from aiogram import Bot\n"
        "if True:\n"
        "    import telegram.ext\n"
        "def handler():\n"
        "    from bot.cli import main\n"
        "from . import sibling\n",
        encoding="utf-8",
    )

    assert _imported_top_levels(sample) == [
        (1, "os"),
        (2, "aiogram"),
        (4, "telegram"),
        (6, "bot"),
    ]
