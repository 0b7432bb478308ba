"""ARCHITECTURE.md'deki içe aktarma kuralları kodda da doğrudur: katmanlar yalnızca izin verilen
katmanları içe aktarır ve ``wskurs`` modülleri arasında içe aktarma döngüsü yoktur (fonksiyon içindeki
içe aktarmalar da sayılır)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "wskurs"

ALLOWED = {
    "engine": {"engine"},
    "lessons": {"lessons", "engine"},
    "checks": {"checks", "engine", "labformat"},
    "grading": {"grading", "checks", "engine", "labformat"},
    "labformat": set(),
    "": {"engine"},
}
"""Katman → içe aktarabileceği katmanlar (``""``: paketin kendi ``__init__``'i)."""


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        name = ".".join(("wskurs", *path.relative_to(ROOT).with_suffix("").parts)).removesuffix(".__init__")
        found[name] = path
    return found


def _edges() -> dict[str, set[str]]:
    modules = _modules()
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "wskurs":
                subs = [f"{node.module}.{alias.name}" for alias in node.names]
                known = [sub for sub in subs if sub in modules]
                targets = known if len(known) == len(subs) else [node.module, *known]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names if alias.name.split(".")[0] == "wskurs"]
            else:
                continue
            edges[name].update(t for t in targets if t in modules and t != name)
    return edges


def _layer(module: str) -> str:
    parts = module.split(".")
    return "" if len(parts) == 1 else parts[1]


def test_layers_import_only_what_architecture_md_allows() -> None:
    """Her modül yalnızca kendi katmanının izin verdiği katmanları içe aktarır (ör. ``engine`` hiçbir
    üst katmanı, ``checks`` ``grading``'i, ``labformat`` hiçbir ``wskurs`` modülünü)."""
    wrong = [
        f"{module} → {target}"
        for module, targets in _edges().items()
        for target in targets
        if _layer(target) != _layer(module) and _layer(target) not in ALLOWED[_layer(module)] and target != "wskurs"
    ]
    assert wrong == []


def test_there_are_no_import_cycles() -> None:
    """``wskurs`` modülleri arasında içe aktarma döngüsü yoktur (Tarjan'ın güçlü bileşenleri)."""
    edges = _edges()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert cycles == []


def test_the_rules_are_the_ones_architecture_md_states() -> None:
    """ARCHITECTURE.md bu testin denetlediği kuralları yazar (belge ile test birbirinden kopmasın)."""
    text = (ROOT.parents[1] / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert "`engine` yalnızca kendini ve dış kütüphaneleri içe aktarır." in text
    assert "`checks` → `engine`, `labformat`. `grading` → `checks`, `engine`, `labformat`." in text
    assert "tests/test_architecture.py" in text
