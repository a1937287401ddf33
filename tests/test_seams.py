"""Packages talk through public names (issue 17, item 3).

``mada``, ``analysis`` (without ``analysis.experiments``), ``analysis.experiments`` and
``proofs`` are separate packages. None may import another's underscore module or underscore
name; inside one package its own private modules are fine. ``benchmarks/`` and ``notebooks/``
are users of all four, so any private import there is a violation. ``tests/`` may use only the
private modules listed, with the reason, in ``tests/conftest.py``'s ``PRIVATE_NAMES_USED``.

The scan reads import statements (``import a._b``, ``from a._b import c``, ``from a import _c``,
relative ones resolved against the importing file), so a name reached by attribute access
(``mada._engine.x`` after ``import mada``) is not seen: the grep of the issue's "Done when"
has the same reach.
"""

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import PRIVATE_NAMES_USED

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("analysis.experiments", "analysis", "mada", "proofs")  # longest prefix first
SCANNED = ("mada", "analysis", "proofs", "benchmarks", "notebooks")


def package_of(module):
    """The package of a dotted module name, or None for anything outside the four."""
    for package in PACKAGES:
        if module == package or module.startswith(package + "."):
            return package
    return None


def _private(part):
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# An import in a docstring example (``>>> from a._b import c``): doctests run as user code.
DOCTEST_IMPORT = re.compile(r"^\s*>>> ((?:from|import) \S.*)$", re.MULTILINE)


def _trees(source):
    yield 0, ast.parse(source)
    for match in DOCTEST_IMPORT.finditer(source):
        yield source.count("\n", 0, match.start()), ast.parse(match.group(1))


def imports(source, module, is_package=False):
    """Yield ``(line, target module, imported name or None)`` for every import in ``source``,
    docstring examples included."""
    for offset, tree in _trees(source):
        yield from _imports(tree, offset, module, is_package)


def _imports(tree, offset, module, is_package):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield offset + node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                here = here[: len(here) - node.level + 1]
                base = ".".join(here + ([node.module] if node.module else []))
            for alias in node.names:
                yield offset + node.lineno, base, alias.name


def violations(source, module, is_package=False):
    """Every private name of another package that ``source`` (the file of ``module``) imports.

    Returned as ``"target:name"`` strings (``name`` is ``*`` for a private module imported
    whole); the importing package may use its own private names.
    """
    found = []
    here = package_of(module)
    for line, target, name in imports(source, module, is_package):
        there = package_of(target)
        if there is None or there == here:
            continue
        inner = target[len(there) :].split(".")
        if any(_private(part) for part in inner) or (name and _private(name)):
            found.append((line, f"{target}:{name or '*'}"))
    return found


def _scan(folders):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            module = _module_name(path)
            for line, what in violations(path.read_text(), module, path.name == "__init__.py"):
                yield f"{path.relative_to(ROOT)}:{line}", what


def test_the_scan_sees_a_cross_package_private_import():
    # The forms a violation takes, each of which the scan must catch (a scan that sees
    # nothing passes trivially).
    bad = {
        "from analysis.theorems._core import alpha": "analysis.theorems._core:alpha",
        "from analysis.theorems import _own": "analysis.theorems:_own",
        "import mada._engine": "mada._engine:*",
        "from mada import _update": "mada:_update",
        "from ..theorems._core import t": "analysis.theorems._core:t",
        '"""Example:\n    >>> from mada._engine import Engine\n"""': "mada._engine:Engine",
    }
    for source, expected in bad.items():
        assert [what for _, what in violations(source, "analysis.experiments.x")] == [expected]
    # And what it must let through: a package's own private modules, public names, dunders.
    fine = [
        "from ._stream import run",
        "from analysis.theorems import alpha",
        "from mada import MADA, __version__",
        "import torch._dynamo",
    ]
    for source in fine:
        assert violations(source, "analysis.experiments.x") == []
    assert violations("from ._core import t", "analysis.theorems", is_package=True) == []
    assert violations("from .theorems._core import t", "analysis.cli") == []


def test_no_package_imports_another_packages_private_names():
    found = sorted(_scan(SCANNED))
    assert not found, "cross-package private imports:\n" + "\n".join(
        f"{where}: {what}" for where, what in found
    )


def _listed(dotted, listed):
    return [m for m in listed if dotted == m or dotted.startswith(m + ".")]


def test_tests_use_only_the_listed_private_modules():
    used = [
        (where, what, what.replace(":*", "").replace(":", ".")) for where, what in _scan(["tests"])
    ]
    unlisted = [
        f"{where}: {what}"
        for where, what, dotted in used
        if not _listed(dotted, PRIVATE_NAMES_USED)
    ]
    assert not unlisted, "private names the tests use without a reason in conftest.py:\n" + (
        "\n".join(unlisted)
    )
    stale = [m for m in PRIVATE_NAMES_USED if not any(_listed(d, [m]) for _, _, d in used)]
    assert not stale, f"listed in PRIVATE_NAMES_USED but no test uses them: {stale}"


def test_the_list_matches_by_module():
    listed = {"proofs._rules": "why"}
    assert _listed("proofs._rules.telescope", listed) == ["proofs._rules"]
    assert _listed("proofs._rules", listed) == ["proofs._rules"]
    assert _listed("proofs._rules_max.le_max_left", listed) == []
    assert _listed("analysis.theorems._core.T", listed) == []


@pytest.mark.parametrize("name", sorted(PRIVATE_NAMES_USED))
def test_every_listed_private_module_says_why(name):
    assert len(PRIVATE_NAMES_USED[name].split()) >= 4, name
