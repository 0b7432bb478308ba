"""Test takımının kuralları, kaynak kodun sözdizimi ağacından (AST) denetlenir: her test
fonksiyonunun ne olması gerektiğini söyleyen bir docstring'i vardır ve bir süre ölçümü
(``time.monotonic()`` ya da ``time.perf_counter()`` farkı) çıplak bir sayıyla üstten
sınırlanmaz, ``scaled(…)`` ile sınırlanır (yavaş makinede ``WSKURS_TIMEOUT_SCALE`` büyütür).
Alt sınır (``süre >= 0.1``) bir zaman aşımı değil ölçülen bir olgudur: ölçeklenmez."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

TESTS = Path(__file__).resolve().parent
_CLOCKS = {"monotonic", "perf_counter"}
_UPPER = (ast.Lt, ast.LtE)  # süre solda: `süre < 8`
_UPPER_FLIPPED = (ast.Gt, ast.GtE)  # süre sağda: `8 > süre`


def _is_clock_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or node.args:
        return False
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr in _CLOCKS
    return isinstance(func, ast.Name) and func.id in _CLOCKS


def _is_clock_difference(node: ast.AST) -> bool:
    """``saat() - başlangıç`` (ya da tersi) biçiminde bir ifade mi?"""
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Sub)
        and (_is_clock_call(node.left) or _is_clock_call(node.right))
    )


def _is_number(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _called_names(node: ast.AST) -> set[str]:
    return {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def _timed_names(tree: ast.AST) -> set[str]:
    """Bir süre farkını taşıyan adlar: ``took = perf_counter() - started`` ve bir süre farkını
    demetin i. öğesi olarak döndüren fonksiyonun sonucundan açılan i. ad (``r, t = run(main())``)."""
    names: set[str] = set()
    returns: dict[str, set[int]] = {}
    for func in ast.walk(tree):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(func):
                if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
                    for i, element in enumerate(node.value.elts):
                        if _is_clock_difference(element):
                            returns.setdefault(func.name, set()).add(i)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and _is_clock_difference(node.value):
                names.add(target.id)
            elif isinstance(target, ast.Tuple):
                for called in _called_names(node.value) & returns.keys():
                    for i in returns[called]:
                        if i < len(target.elts) and isinstance(target.elts[i], ast.Name):
                            names.add(target.elts[i].id)
    return names


def _is_timed(node: ast.AST, names: set[str]) -> bool:
    return _is_clock_difference(node) or (isinstance(node, ast.Name) and node.id in names)


def unscaled_bounds(source: str) -> list[tuple[int, str]]:
    """Bir süre farkını çıplak bir sayıyla üstten sınırlayan karşılaştırmalar: (satır, ifade)."""
    tree = ast.parse(source)
    names = _timed_names(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands[:-1], operands[1:], strict=True):
            upper = (isinstance(op, _UPPER) and _is_timed(left, names) and _is_number(right)) or (
                isinstance(op, _UPPER_FLIPPED) and _is_number(left) and _is_timed(right, names)
            )
            if upper:
                found.append((node.lineno, ast.unparse(node)))
                break
    return sorted(found)


def missing_docstrings(source: str) -> list[tuple[int, str]]:
    """Docstring'i olmayan ``test_`` fonksiyonları: (satır, ad)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        is_test = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")
        if is_test and not (ast.get_docstring(node) or "").strip():
            found.append((node.lineno, node.name))
    return sorted(found)


def _scan(rule) -> list[str]:
    problems = []
    for path in sorted(TESTS.glob("test_*.py")):
        for line, what in rule(path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(TESTS.parent)}:{line}: {what}")
    return problems


def test_every_test_function_has_a_docstring():
    """`tests/test_*.py` içindeki her `test_` fonksiyonunun boş olmayan bir docstring'i vardır
    (kalan bir testin neyin bozulduğunu söylemesi için); eksikler dosya:satır ile listelenir."""
    problems = _scan(missing_docstrings)
    assert problems == [], "Docstring'i olmayan testler:\n" + "\n".join(problems)


def test_time_bounds_go_through_scaled():
    """Hiçbir test bir `monotonic()`/`perf_counter()` farkını çıplak bir sayıyla üstten sınırlamaz
    (`süre < 8` değil `süre < scaled(8)`); eksikler dosya:satır ile listelenir."""
    problems = _scan(unscaled_bounds)
    assert problems == [], "scaled() olmadan sınırlanan süreler:\n" + "\n".join(problems)


def test_the_time_rule_catches_unscaled_upper_bounds_and_allows_lower_ones():
    """Tarayıcı kuralı gerçekten uygular: doğrudan fark, ad üzerinden fark, zincirin üst ucu,
    ters yazılmış sınır ve bir fonksiyonun döndürdüğü demetten açılan süre yakalanır; `scaled(…)`
    ile sınır, alt sınır ve sayı olmayan bir sınır yakalanmaz."""
    source = textwrap.dedent(
        """
        import time
        from time import perf_counter

        def f():
            started = time.monotonic()
            assert time.monotonic() - started < 8          # 7: yakalanır
            took = perf_counter() - started
            assert 0.1 <= took < 0.5                       # 9: yakalanır (üst uç)
            assert 2 > took                                # 10: yakalanır (ters)
            assert took < scaled(2)                        # ölçekli
            assert took >= 0.05 and 0.05 <= took           # alt sınırlar
            assert time.monotonic() - started < limit      # sayı değil

        def g():
            async def main():
                started = time.monotonic()
                return "rapor", time.monotonic() - started
            report, elapsed = run(main())
            assert report and elapsed <= 5                 # 20: yakalanır
        """
    )
    assert [line for line, _ in unscaled_bounds(source)] == [7, 9, 10, 20]


def test_the_docstring_rule_catches_tests_without_one():
    """Docstring'i olmayan ya da boş docstring'li test (async ve sınıf içi dahil) yakalanır;
    docstring'li test ve `test_` ile başlamayan yardımcı yakalanmaz."""
    source = textwrap.dedent(
        '''
        def test_has_one():
            """Bir şey doğrudur."""

        def test_bare():
            assert True

        class TestGroup:
            async def test_async_bare(self):
                pass

        def test_empty():
            """ """

        def helper():
            pass
        '''
    )
    assert missing_docstrings(source) == [(5, "test_bare"), (9, "test_async_bare"), (12, "test_empty")]
