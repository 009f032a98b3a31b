"""``TemplateRenderError``: a template that cannot be loaded or rendered (Chinese, with places)."""

from __future__ import annotations

from collections.abc import Iterable

from generator.render.docx_checks import (
    TemplateIssue,
)


class TemplateRenderError(Exception):
    """A template could not be loaded or rendered into a valid document; the message is Chinese.

    ``issues`` lists every problem found (loading reports all of them at once),
    each with its place; ``place`` is the first one's.
    """

    def __init__(
        self,
        message: str,
        template: str = "",
        part: str = "",
        issues: Iterable[TemplateIssue] = (),
    ) -> None:
        super().__init__(message)
        self.template = template
        self.part = part
        self.issues = list(issues)
        self.place = self.issues[0].place if self.issues else ""


def template_error(
    template: str, issues: list[TemplateIssue], part: str = ""
) -> TemplateRenderError:
    """One error for all of a template's issues: ``模板 plan.docx 正文第 3 段：…``."""
    if len(issues) == 1:
        message = f"模板 {template} {issues[0].format()}"
    else:
        lines = "\n".join(f"  {n}. {issue.format()}" for n, issue in enumerate(issues, 1))
        message = f"模板 {template} 有 {len(issues)} 个问题：\n{lines}"
    return TemplateRenderError(message, template, part, issues)


class IllegalValue(ValueError):
    """A value to print holds a character XML cannot carry (the message is Chinese)."""
