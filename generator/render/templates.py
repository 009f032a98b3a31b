"""Where templates come from, and loading each one once per run.

A bureau may pass its own template folder; any template it does not provide is
taken from the bundled ``templates/`` (inside the package when installed).
"""

from __future__ import annotations

from pathlib import Path

from generator.render.docx.engine import DocxTemplateEngine
from generator.render.xlsx.engine import XlsxEngine
from generator.resources import TEMPLATES as BUNDLED

__all__ = ["BUNDLED", "TemplateSet"]


class TemplateSet:
    """The templates of one run; each is read and compiled on first use only."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._docx: dict[str, DocxTemplateEngine] = {}
        self._xlsx: dict[str, XlsxEngine] = {}

    def path(self, name: str) -> Path:
        if self.folder is not None and (self.folder / name).is_file():
            return self.folder / name
        return BUNDLED / name

    def docx(self, name: str) -> DocxTemplateEngine:
        if name not in self._docx:
            self._docx[name] = DocxTemplateEngine(self.path(name))
        return self._docx[name]

    def xlsx(self, name: str) -> XlsxEngine:
        if name not in self._xlsx:
            self._xlsx[name] = XlsxEngine(self.path(name))
        return self._xlsx[name]
