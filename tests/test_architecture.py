"""Guards on the package's shape: private names stay private, modules stay small, every module has __all__."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cooccur"

#: Imports of another module's private names still left (none since issue 12); none may be added.
KNOWN_PRIVATE_IMPORTS: set[tuple[str, str]] = set()
#: Modules over the 600-line limit, and their length when this list was made (they may only shrink).
KNOWN_LONG: dict[str, int] = {}


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def private_imports(path: Path, root: Path = PACKAGE) -> set[tuple[str, str]]:
    """(module, name) for each ``from .x import _name`` and ``x._name`` on an imported cooccur module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(root).as_posix()
    found, modules = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("cooccur")):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.add((rel, alias.name))
                else:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update((a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("cooccur"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules \
                and node.attr.startswith("_") and not node.attr.startswith("__"):
            found.add((rel, node.attr))
    return found


def test_no_new_imports_of_private_names():
    found = set().union(*(private_imports(p) for p in _modules()))
    new = sorted(found - KNOWN_PRIVATE_IMPORTS)
    assert not new, f"make these public in their module instead: {new}"


def test_the_counter_sees_both_forms(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from .io import _umask, write_text\nfrom . import io\nio._json_default(1)\nio.__name__\n",
                     encoding="utf-8")
    assert private_imports(probe, root=tmp_path) == {("probe.py", "_umask"), ("probe.py", "_json_default")}


def test_modules_are_small_and_declare_all():
    for path in _modules():
        rel = path.relative_to(PACKAGE).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= KNOWN_LONG.get(rel, 600), f"{rel} has {lines} lines; split it by concern"
        if path.stat().st_size and not rel.endswith("formats/__init__.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {t.id for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))
                     for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
            assert "__all__" in names, f"{rel} has no __all__"
