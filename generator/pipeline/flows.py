"""A flow's job list, derived from the registry: each kind's documents, turned into jobs."""

from __future__ import annotations

from typing import Any

from generator.documents.document import Document
from generator.pipeline.jobs import Job, docx_job, xlsx_job
from generator.pipeline.kinds import DocumentKind, Engine, Flow, kinds
from generator.render.templates import TemplateSet


def flow_jobs(flow: Flow, inputs: Any, templates: TemplateSet) -> list[Job]:
    """Every file ``flow`` writes from ``inputs``, kind by kind in the registry's order."""
    return [
        job_of(kind, kind.folder_for(inputs), document, templates)
        for kind in kinds(flow)
        for document in kind.build(inputs)
    ]


def job_of(kind: DocumentKind, folder: Any, document: Document, templates: TemplateSet) -> Job:
    """A job for one document: content made now is digested (unchanged files are kept);
    content made on demand is rendered every run."""
    path = folder / document.name
    if kind.engine is Engine.BYTES:
        data = document.content
        return Job(path, document.label, document.make or (lambda: data))
    if kind.engine is Engine.STATISTICS:
        from generator.render.xlsx_stats import render_statistics

        return Job(path, document.label, lambda: render_statistics(_content(document)))
    template = kind.template_for(document).name
    if kind.engine is Engine.DOCX:
        if document.make is None:
            assert document.properties is not None
            return docx_job(
                templates, template, path, document.label, document.content, document.properties
            )
        return Job(
            path,
            document.label,
            lambda: templates.docx(template).render(_content(document), document.properties),
        )
    if document.make is None:
        return xlsx_job(templates, template, path, document.label, document.content)
    return Job(path, document.label, lambda: templates.xlsx(template).render(_content(document)))


def _content(document: Document) -> Any:
    return document.make() if document.make is not None else document.content
