"""The infra package is layered: capabilities' constructs import the shared platform and helpers,
`MainStack` composes them, and nothing imports back up. Checked on the source (ast), type-only
imports included: a cycle hidden behind `TYPE_CHECKING` is still a cycle of the design."""

from __future__ import annotations

import ast
from pathlib import Path

from infra.app import ROOT

INFRA = ROOT / "infra"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the infra modules it imports (anywhere in its body)."""
    modules = {module_name(path): path for path in INFRA.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                # `from infra import names` imports the module infra.names.
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target != "infra":
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node], _ = "open", stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node], _ = "done", stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_infra_import_graph_has_no_cycle():
    graph = import_graph()
    assert "infra.main_stack" in graph and "infra.constructs.platform" in graph
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_capability_constructs_import_neither_the_stacks_nor_one_another():
    graph = import_graph()
    shared = {
        "infra.config",
        "infra.names",
        "infra.lambda_target",
        "infra.constructs.platform",
        "infra.constructs.storage",
        "infra.constructs.functions",
        "infra.constructs.memory",
        "infra.constructs.api",
        "infra.constructs.mail",
        "infra.constructs.monitoring",
        "infra.constructs.nag",
        "infra.constructs.checkov",
        "infra.constructs.inventory",
        "infra.constructs.buckets",
        "infra.constructs.state_machines",
    }
    for module, imported in graph.items():
        if module.startswith("infra.constructs."):
            assert imported <= shared, (module, imported - shared)
