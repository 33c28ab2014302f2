"""The code's layout rules, checked: sizes, one IRI layout, public imports only, every package
named in the README's "What is where" and in docs/design.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = ("malang_kg", "synthetic", "bench", "scripts", "tests")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> list[Path]:
    return sorted(p for folder in CODE for p in (ROOT / folder).rglob("*.py"))


def _packages() -> list[Path]:
    return sorted(p.parent for p in (ROOT / "malang_kg").rglob("__init__.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_are_short(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{node.name} is {length} lines"


def test_the_entity_prefix_is_joined_to_the_base_in_one_place() -> None:
    joined = re.compile(r"""(base|BASE|base_iri)[^\n]{0,12}\+ *["']id/""")
    places = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "malang_kg").rglob("*.py")
        if joined.search(path.read_text(encoding="utf-8")) or '"id/"' in path.read_text("utf-8")
    ]
    assert places == ["malang_kg/iris.py"]


def test_no_module_imports_a_private_name_of_another() -> None:
    offenders = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(CODE):
                private = [
                    a.name
                    for a in node.names
                    if a.name.startswith("_") and not a.name.endswith("__")
                ]
                if private:
                    offenders.append(f"{path.relative_to(ROOT)}: {node.module} {private}")
    assert not offenders


def test_readme_and_design_name_every_package() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    where = readme.split("## What is where", 1)[1].split("\n## ", 1)[0]
    for package in _packages():
        name = package.relative_to(ROOT / "malang_kg").as_posix()
        if name == ".":
            continue
        top = name.split("/")[0]
        assert f"malang_kg/{top}/" in where, top
        assert f"`{name.split('/')[-1]}/`" in design or f"malang_kg/{name}/" in design, name
