"""Import layers: no module imports one of a higher layer, and no modules import each other.

LAYERS below is the one declaration of today's layer map (docs/architecture.md draws it). Every
import counts, also one inside a function or under `if TYPE_CHECKING:`: a lazy import is still a
dependency. A known exception is listed in ALLOWED with the issue that removes it, so the test
still fails on any new one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# Lowest first. A module may import its own layer and the layers before it, never a later one.
LAYERS: dict[str, list[str]] = {
    "base": ["errors", "config", "interrupt", "jit", "kernels", "progress"],  # used by every layer
    "data": ["data"],
    "synth": ["synth"],  # beside data: the generator of the default data set
    "features": ["features"],
    "modeling": ["modeling"],
    "inference": ["inference"],
    "tracking": ["tracking"],
    "cli": ["cli", ""],  # "" is the package itself: the Python API (fakeprofile.load_model)
}
# Layers only some layers may import, whatever their place in the order.
ONLY_FROM = {"synth": {"synth", "cli"}}
# Pairs (importer, imported) forbidden although the order allows them: scoring never needs the
# training code, so an exported model can be served without it.
NEVER = {("inference", "modeling")}
# Names of the package itself that are constants, not the API: importing them is no dependency.
CONSTANTS = {("fakeprofile", "__version__")}

# Known exceptions (importer, imported), each with the issue that removes it.
ALLOWED: set[tuple[str, str]] = {
    # Issue 21 item 3 (one inference path): train.Trained carries inference (proba, decide) and
    # evaluates its trees with the compiled walker; inference moves out of training there.
    ("fakeprofile.modeling.train", "fakeprofile.inference.trees"),
    # The same item: the exported model holds a train.Trained, and the compiled trees check
    # that they walk a pipeline that models.py built.
    ("fakeprofile.inference.predictor", "fakeprofile.modeling.train"),
    ("fakeprofile.inference.trees", "fakeprofile.modeling.estimators"),
}
ALLOWED_CYCLES: list[set[str]] = []


def modules(src: Path, package: str) -> dict[str, Path]:
    out = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(src: Path, package: str) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, anywhere in its code."""
    mods = modules(src, package)
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the importing module's package
                    here = name.split(".") if is_pkg else name.split(".")[:-1]
                    here = here[: len(here) - node.level + 1]
                    base = ".".join([*here, base] if base else here)
                for a in node.names:
                    sub = f"{base}.{a.name}"
                    if sub in mods:
                        deps.add(sub)
                    elif (base, a.name) not in CONSTANTS:
                        deps.add(base)
        graph[name] = {d for d in deps if d in mods and d != name}
    return graph


def layer_of(module: str, package: str = "fakeprofile") -> str:
    rel = module.removeprefix(package).removeprefix(".")
    for layer, names in LAYERS.items():
        for n in names:
            if rel == n or (n and rel.startswith(n + ".")):
                return layer
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_layers.py")


def violations(graph: dict[str, set[str]], package: str = "fakeprofile") -> set[tuple[str, str]]:
    order = list(LAYERS)
    bad = set()
    for a, deps in graph.items():
        la = layer_of(a, package)
        for b in deps:
            lb = layer_of(b, package)
            allowed = la in ONLY_FROM.get(lb, {la}) and (la, lb) not in NEVER
            if allowed and order.index(lb) <= order.index(la):
                continue
            bad.add((a, b))
    return bad


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan's method)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


GRAPH = imports(SRC, "fakeprofile")


def test_every_module_is_in_a_layer():
    for m in GRAPH:
        layer_of(m)


def test_no_module_imports_a_higher_layer():
    new = violations(GRAPH) - ALLOWED
    assert not new, "imports from a lower layer to a higher one: " + ", ".join(
        f"{a} ({layer_of(a)}) -> {b} ({layer_of(b)})" for a, b in sorted(new)
    )


def test_no_import_cycles():
    new = [c for c in cycles(GRAPH) if c not in ALLOWED_CYCLES]
    assert not new, f"modules that import each other: {new}"


def test_the_allow_list_holds_only_what_still_happens():
    """An exception that is fixed leaves the list, so it cannot come back unnoticed."""
    assert violations(GRAPH) >= ALLOWED
    assert all(c in cycles(GRAPH) for c in ALLOWED_CYCLES)


@pytest.fixture
def planted(tmp_path):
    """A copy of a few real modules' import lines, with one cycle and one upward import."""
    pkg = tmp_path / "fakeprofile"
    (pkg / "features").mkdir(parents=True)
    (pkg / "data").mkdir()
    files = {
        "__init__.py": "__version__ = '0'\n",
        "errors.py": "",
        "data/__init__.py": "",
        "data/schema.py": "from fakeprofile import errors\n",
        "data/validate.py": "from fakeprofile.data import schema\nfrom . import validate_arrow\n",
        "data/validate_arrow.py": "def f():\n    from fakeprofile.data.validate import Rules\n",
        "features/__init__.py": "from fakeprofile.features import frame\n",
        "features/frame.py": "from fakeprofile.data import schema\nfrom fakeprofile import __version__\n",
        "data/io.py": "from fakeprofile.features import frame\n",  # data -> features: upward
    }
    for name, text in files.items():
        (pkg / name).write_text(text)
    return imports(tmp_path, "fakeprofile")


def test_the_checks_find_a_planted_cycle_and_upward_import(planted):
    assert planted["fakeprofile.data.validate"] == {
        "fakeprofile.data.schema",
        "fakeprofile.data.validate_arrow",
    }
    assert cycles(planted) == [{"fakeprofile.data.validate", "fakeprofile.data.validate_arrow"}]
    assert violations(planted) == {("fakeprofile.data.io", "fakeprofile.features.frame")}
