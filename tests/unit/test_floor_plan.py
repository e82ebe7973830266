"""The domain layer's floor plan (docs/architecture.md): one package per capability, no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "layers" / "jaqe" / "python" / "jaqe"
CAPABILITIES = {
    "platform",
    "privacy",
    "inbound",
    "leads",
    "professionals",
    "rights",
    "breach",
    "marketing",
    "dpo",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The jaqe modules one module imports (at top level or inside a function)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from jaqe.platform import clock` imports the module jaqe.platform.clock
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != "jaqe":
                found.add(name)
    return found


def graph(level: int) -> dict[str, set[str]]:
    """Import edges between modules (level 0) or between top-level packages of jaqe (level 1)."""

    def node(name: str) -> str:
        return name if level == 0 else ".".join(name.split(".")[:2])

    known = set(modules())
    edges: dict[str, set[str]] = {}
    for name, path in modules().items():
        for target in imports_of(path, known):
            if node(target) != node(name) and not node(name).startswith(node(target) + "."):
                edges.setdefault(node(name), set()).add(node(target))
    return edges


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(edges.get(node, ())):
            found = visit(target)
            if found:
                return found
        visiting.pop()
        done.add(node)
        return None

    for start in sorted(edges):
        found = visit(start)
        if found:
            return found
    return None


def test_no_import_cycle_between_modules() -> None:
    assert cycle(graph(level=0)) is None


def test_no_import_cycle_between_capabilities() -> None:
    assert cycle(graph(level=1)) is None


def test_the_graph_sees_imports() -> None:
    edges = graph(level=1)
    assert "jaqe.platform" in edges["jaqe.rights"]
    assert "jaqe.privacy" in edges["jaqe.rights"]


def test_top_level_holds_only_the_capability_packages() -> None:
    entries = {p.name for p in ROOT.iterdir() if p.name != "__pycache__"}
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert packages == CAPABILITIES
    assert entries - packages == {"__init__.py"}


def test_cycle_finder_finds_a_cycle() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": {"c"}}) is None
