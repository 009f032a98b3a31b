"""Jobs: an output path and a function producing its bytes.

Every flow lays out jobs so the CLI can show progress, render on demand, and only
write when the whole set is made (see :mod:`generator.pipeline.run`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from generator.render.document_spec import DocProperties
from generator.render.templates import TemplateSet
from generator.render.workbook_spec import WorkbookSpec
from generator.write.manifest import inputs_digest


@dataclass(frozen=True)
class Job:
    """One output file: where it goes, what it is, and how to render it.

    ``inputs`` is the digest of everything the file is rendered from; jobs that carry
    one are skipped when a previous run wrote the same file from the same inputs.
    """

    path: PurePath
    label: str
    render: Callable[[], bytes]
    inputs: str = ""


def docx_job(
    templates: TemplateSet,
    template: str,
    path: PurePath,
    label: str,
    context: dict[str, Any],
    properties: DocProperties,
) -> Job:
    """A Word document from a template and its context (built now, rendered on demand)."""
    return Job(
        path,
        label,
        lambda: templates.docx(template).render(context, properties),
        inputs_digest(templates.path(template), context, properties),
    )


def xlsx_job(
    templates: TemplateSet, template: str, path: PurePath, label: str, spec: WorkbookSpec
) -> Job:
    """A workbook from a template and its spec."""
    return Job(
        path,
        label,
        lambda: templates.xlsx(template).render(spec),
        inputs_digest(templates.path(template), spec),
    )
