"""Where the bundled templates, examples and JSON Schemas are (内置模板和示例).

The repository's top-level ``templates/`` and ``data/`` are the source of truth. A
built wheel carries copies of them inside the package (``generator/bundled/``, put
there by ``setup.py``'s build step), so an installed ``plandocs`` finds them anywhere.
In a checkout (or an editable install) the top-level folders are used directly.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent
BUNDLED_FOLDER = "bundled"  # inside the package, in a wheel


def resource(name: str) -> Path:
    """The top-level folder ``name`` (``templates`` or ``data``) of this installation."""
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / name).is_dir():
        return _CHECKOUT / name
    return _PACKAGE / BUNDLED_FOLDER / name


TEMPLATES = resource("templates")
DATA = resource("data")
SCHEMAS = DATA / "schema"


def examples() -> dict[str, Path]:
    """Bundled example plans by name (``jiaozuo2016`` …)."""
    if not DATA.is_dir():  # a broken installation: `init --example` then offers no choice
        return {}
    return {
        folder.name: folder for folder in sorted(DATA.iterdir()) if (folder / "plan.yaml").is_file()
    }
