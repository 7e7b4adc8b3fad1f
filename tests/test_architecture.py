"""One direction of imports (docs/architecture.md): every `import` in app/, inside functions too.

Lower packages never import higher ones, blueprints are imported only where they are registered,
no module takes another's private names, and no modules import each other round a cycle.
"""
import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

# The domain's components, lowest first. A module that is not web-side may import its own
# component and the components of lower tiers: never a higher tier, nor a sibling in its tier.
TIERS = (
    ("rules",),
    ("i18n",),
    ("config", "extensions", "dbtypes", "params", "counties", "timefmt", "urls", "requestlog", "storage", "spreadsheets"),
    ("audit", "locking", "violations"),
    ("outbox", "labels"),
    ("calendar",),
    ("plans",),
    ("meetings", "accounts"),
    ("registrations", "stakeholders", "materials"),
    ("dayof",),
    ("comments",),
    ("backup",),
)
TIER = {component: level for level, names in enumerate(TIERS) for component in names}
# The assembly of the application: it may import anything, and nothing imports it but itself.
TOP = {"app", "app.setup", "app.models", "app.cli", "app.demo"}
# Web-side helpers that several blueprints share (besides blueprint and form modules).
WEB_HELPERS = {"app.audit_sentences", "app.formflow", "app.freshness", "app.meetings.staff_pages", "app.meetings.public_pages", "app.web"}

STDLIB = set(sys.stdlib_module_names)
# Libraries a rule may use: pure functions of their arguments (OpenCC folds Simplified characters).
PURE_LIBRARIES = {"opencc"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, ast.Module]:
    """Every module of the app, by dotted name, parsed."""
    return {_module_name(p): ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in sorted(APP.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return (APP.parent / name.replace(".", "/") / "__init__.py").exists()


def _resolve(importer: str, level: int, module: str | None) -> str:
    if not level:
        return module or ""
    base = importer.split(".") if _is_package(importer) else importer.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


@cache
def imports() -> dict[tuple[str, str], set[str]]:
    """(importer, imported) for every import of an app module, with the names it takes."""
    known, edges = modules(), {}
    for importer, tree in known.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    _add(edges, importer, alias.name, None)
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(importer, node.level, node.module)
                for alias in node.names:
                    submodule = f"{target}.{alias.name}"
                    if submodule in known:
                        _add(edges, importer, submodule, None)
                    else:
                        _add(edges, importer, target, alias.name)
    return edges


def _add(edges, importer, target, name):
    if target.split(".")[0] == "app" and target in modules() and target != importer:
        edges.setdefault((importer, target), set())
        if name:
            edges[(importer, target)].add(name)
    elif target.split(".")[0] != "app":
        edges.setdefault((importer, "<outside>"), set()).add(target.split(".")[0])


def component(name: str) -> str:
    """The package or top-level module a module belongs to: app.meetings.services -> meetings."""
    return name.split(".")[1] if "." in name else name


@cache
def blueprints() -> set[str]:
    """Modules that create a Blueprint: only the assembly (app/setup.py) imports them."""
    return {name for name, tree in modules().items()
            if any(isinstance(n, ast.Call) and getattr(n.func, "id", None) == "Blueprint" for n in ast.walk(tree))}


def _nests(importer: str, target: str) -> bool:
    """A blueprint may import the blueprints it nests, from its own package (accounts.security.*)."""
    return importer in blueprints() and importer.rsplit(".", 1)[0] == target.rsplit(".", 1)[0]


def is_web(name: str) -> bool:
    """Blueprints, forms and the helpers they share: the top layer, which may read any package."""
    last = name.rsplit(".", 1)[-1]
    return name in blueprints() or name in WEB_HELPERS or last.startswith(("views", "forms"))


def problem(importer: str, target: str, names: set[str]) -> str | None:
    """Why this import breaks the direction of imports, or None."""
    if target == "<outside>":
        outside = names - STDLIB
        outside -= PURE_LIBRARIES
        if component(importer) == "rules" and outside:  # rules are pure: no Flask, SQLAlchemy, I/O
            return f"{importer} is a rule module but imports {sorted(outside)}"
        return None
    private = sorted(n for n in names if n.startswith("_"))
    if private:
        return f"{importer} takes private names {private} from {target}: move them to a neutral module"
    if importer in TOP:
        return None
    if target in TOP:
        return f"{importer} imports the assembly module {target}"
    if target in blueprints() and not _nests(importer, target):
        return f"{importer} imports the blueprint module {target}: share helpers through a neutral module"
    if is_web(importer):
        return None
    if is_web(target):
        return f"{importer} (models, services, queries) imports the web-side module {target}"
    if component(importer) == "rules" and component(target) != "rules":
        return f"{importer} is a rule module but imports {target}"
    low, high = component(target), component(importer)
    if low != high and TIER[low] >= TIER[high]:
        return f"{importer} ({high}) imports {target} ({low}), which is not below it (docs/architecture.md)"
    return None


def test_every_module_has_a_place_in_the_stack():
    unplaced = sorted(n for n in modules() if n not in TOP and not is_web(n) and component(n) not in TIER)
    assert unplaced == [], "place these packages in TIERS and docs/architecture.md"


def test_imports_go_one_way_down_the_stack():
    found = [problem(importer, target, names) for (importer, target), names in sorted(imports().items())]
    assert [p for p in found if p] == []


def test_no_modules_import_each_other_round_a_cycle():
    graph = {}
    for importer, target in imports():
        if target != "<outside>":
            graph.setdefault(importer, set()).add(target)
    assert _cycles(graph) == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_check_sees_an_upward_import_inside_a_function():
    tree = ast.parse("def f():\n    from ..registrations.services import notify_registrants\n")
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom))
    target = _resolve("app.meetings.services", node.level, node.module)
    assert problem("app.meetings.services", target, {"notify_registrants"}) is not None
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_building_the_app_connects_the_receivers_of_meetings_signals():
    # A fresh interpreter: in this one, other tests have built apps already.
    script = """
from app import create_app
from app.meetings import signals
names = ("meeting_postponed", "meeting_cancelled", "meeting_details_changed", "venue_settings_changed",
         "first_case_added", "case_removing")
assert not any(getattr(signals, name).receivers for name in names)
create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
connected = {name: {f"{r.__module__}.{r.__name__}" for r in getattr(signals, name).receivers_for(object())}
             for name in names}
assert all(connected.values()), connected
assert "app.registrations.receivers.tell_registrants" in connected["meeting_cancelled"], connected
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=APP.parent, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
