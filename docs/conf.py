"""Sphinx configuration. Build: ``python -m sphinx -W --keep-going -n docs docs/_build``.

Sphinx, not mkdocs: the docstrings are reStructuredText (``:math:``, ``.. math::``,
``:func:``), which autodoc renders as they are, while mkdocstrings would show them raw.
Hand-written pages are Markdown (MyST), so the README's text moves over unchanged and the
rendered proofs (Markdown with ``$$`` LaTeX) are read as they are written.
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path[:0] = [str(DOCS.parent), str(DOCS)]

import generate  # noqa: E402  (needs the repository on sys.path)

project = "mada-analysis"
author = "mada-analysis contributors"
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinxarg.ext",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
autodoc_member_order = "bysource"
html_theme = "furo"
html_title = "mada-analysis"


def setup(app):
    app.connect("builder-inited", lambda app: generate.write_all(DOCS / "generated"))
