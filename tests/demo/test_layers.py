"""The demo sits on top of the domain apps: nothing in ``ancrage/`` outside ``ancrage/demo/`` imports it.

Every module is parsed (no import is run), so an import inside a function counts as much as one at the
top of the file, and a relative import is resolved against the module's package.
"""

import ast
from pathlib import Path

import pytest

ANCRAGE = Path(__file__).resolve().parents[2] / "ancrage"
DEMO = ANCRAGE / "demo"
DEMO_PACKAGE = "ancrage.demo"


@pytest.fixture(autouse=True)
def _rome_loaded() -> None:
    """No database here: these tests only read the source files."""


def _outside_demo() -> list[Path]:
    return sorted(path for path in ANCRAGE.rglob("*.py") if not path.is_relative_to(DEMO))


def _imported(module: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The dotted names an import statement may load; ``module`` is the file's path from the source root."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        # The package relative imports start from: ancrage.x for ancrage/x/y.py and for ancrage/x/__init__.py.
        package = list(module.with_suffix("").parts[:-1])
        base = package[: len(package) - node.level + 1]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    return [target, *(f"{target}.{alias.name}" for alias in node.names)]


def _into_demo(name: str) -> bool:
    return name == DEMO_PACKAGE or name.startswith(DEMO_PACKAGE + ".")


def demo_imports(path: Path, root: Path = ANCRAGE.parent) -> list[str]:
    """``"ancrage/x/y.py:12 imports ancrage.demo.cast"`` for every import of the demo in one file."""
    module = path.relative_to(root)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [name for name in _imported(module, node) if _into_demo(name)]
            if names:
                found.append(f"{module}:{node.lineno} imports {names[0]}")
    return found


def test_no_domain_module_imports_the_demo() -> None:
    modules = _outside_demo()
    assert len(modules) > 100  # the walk did find the project's modules
    offending = [line for path in modules for line in demo_imports(path)]
    assert not offending, "Only ancrage/demo/ may import the demo:\n" + "\n".join(offending)


def test_no_demo_module_left_in_a_domain_app() -> None:
    stray = [str(path.relative_to(ANCRAGE.parent)) for path in _outside_demo() if path.name == "demo.py"]
    assert not stray, "Demo builders live in ancrage/demo/, one module per domain: " + ", ".join(stray)


def _check(root: Path, module: str, source: str) -> list[str]:
    """``demo_imports`` of a module written under ``root`` with the given source."""
    path = root / module
    path.parent.mkdir(parents=True)
    path.write_text(source + "\n", encoding="utf-8")
    return demo_imports(path, root=root)


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import ancrage.demo.cast", "ancrage/organisations/two_factor.py", "ancrage.demo.cast"),
        ("from ancrage.demo.cast import RENNES", "ancrage/steering/views.py", "ancrage.demo.cast"),
        ("from ancrage import demo", "ancrage/urls.py", "ancrage.demo"),
        ("def f():\n    from ancrage.demo import writer", "ancrage/tracks/services.py", "ancrage.demo"),
        ("from ..demo import cast", "ancrage/tracks/services.py", "ancrage.demo"),
        ("from ...demo.writer import Writer", "ancrage/tracks/management/commands.py", "ancrage.demo.writer"),
        ("from . import demo", "ancrage/urls.py", "ancrage.demo"),
        ("from .. import demo", "ancrage/www/__init__.py", "ancrage.demo"),
    ],
)
def test_the_check_sees_every_form_of_import(tmp_path, source, module, expected) -> None:
    line = source.count("\n") + 1
    assert _check(tmp_path, module, source) == [f"{module}:{line} imports {expected}"]


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from .demo_fixtures import X", "ancrage/tracks/services.py"),
        ("import ancrage.demography", "ancrage/tracks/services.py"),
        ("from . import models", "ancrage/demo_like/services.py"),
        ("from .. import directory", "ancrage/tracks/services.py"),
    ],
)
def test_the_check_flags_nothing_else(tmp_path, source, module) -> None:
    assert _check(tmp_path, module, source) == []
