"""A flow's job list, derived from the registry: each kind's documents, turned into jobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from generator.documents.attachments import Attachment, with_sheets, with_tables
from generator.documents.document import Document
from generator.pipeline.jobs import Job, docx_job, xlsx_job
from generator.pipeline.kinds import DocumentKind, Engine, Flow, kinds, parts
from generator.render.templates import TemplateSet


def flow_jobs(flow: Flow, inputs: Any, templates: TemplateSet) -> list[Job]:
    """Every file ``flow`` writes from ``inputs``, kind by kind in the registry's order."""
    jobs = []
    for kind in kinds(flow):
        added = [part for other in parts(kind, flow) for part in other.build(inputs)]
        for document in kind.build(inputs):
            document = with_parts(kind, document, [part.content for part in added])
            jobs.append(job_of(kind, kind.folder_for(inputs), document, templates))
    return jobs


def with_parts(kind: DocumentKind, document: Document, added: list[Attachment]) -> Document:
    """The document with the tables other kinds add to it (made when it is)."""
    if not added:
        return document
    attach: Callable[[Any, list[Attachment]], Any] = (
        with_tables if kind.engine is Engine.DOCX else with_sheets
    )
    if document.make is not None:
        make = document.make
        return replace(document, make=lambda: attach(make(), added))
    return replace(document, content=attach(document.content, added))


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
    # Content made now, or made on demand and compared with the last run: a digested job.
    cached: Any = document.make if document.digested else document.content
    if kind.engine is Engine.DOCX:
        if document.make is None or document.digested:
            assert document.properties is not None
            return docx_job(templates, template, path, document.label, cached, document.properties)
        return Job(
            path,
            document.label,
            lambda: templates.docx(template).render(_content(document), document.properties),
        )
    if document.make is None or document.digested:
        return xlsx_job(templates, template, path, document.label, cached)
    return Job(path, document.label, lambda: templates.xlsx(template).render(_content(document)))


def _content(document: Document) -> Any:
    return document.make() if document.make is not None else document.content
