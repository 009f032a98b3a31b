"""Jobs: an output path and a function producing its bytes.

Every flow lays out jobs so the CLI can show progress, render on demand, and write
each file as it is made, committing the set at the end (see :mod:`generator.pipeline.run`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, TypeAlias, TypeVar, Union

from generator.render.document_spec import DocProperties
from generator.render.templates import TemplateSet
from generator.render.workbook_spec import WorkbookSpec
from generator.write.manifest import inputs_digest

T = TypeVar("T")
# A context or spec, or a function building it when it is needed (see docx_job).
Built: TypeAlias = Union[T, Callable[[], T]]  # noqa: UP007 (a generic alias needs Union)


@dataclass(frozen=True)
class Job:
    """One output file: where it goes, what it is, and how to render it.

    ``inputs`` is the digest of everything the file is rendered from; jobs that carry
    one are skipped when a previous run wrote the same file from the same inputs. A job
    whose context is built on demand has ``digest`` instead (building the context to
    digest it, then dropping it) and ``make``, which renders and digests from one build.
    """

    path: PurePath
    label: str
    render: Callable[[], bytes]
    inputs: str = ""
    digest: Callable[[], str] | None = None
    make: Callable[[], tuple[bytes, str]] | None = None

    @property
    def digested(self) -> bool:
        """Whether the file is skipped on a re-run when its inputs are unchanged."""
        return bool(self.inputs) or self.digest is not None

    def current_inputs(self) -> str:
        return self.digest() if self.digest is not None else self.inputs

    def rendered(self) -> tuple[bytes, str]:
        """The file's bytes and the digest of its inputs ("" for a job without one)."""
        if self.make is not None:
            return self.make()
        return self.render(), self.inputs


def _lazy_job(
    path: PurePath,
    label: str,
    build: Callable[[], T],
    render: Callable[[T], bytes],
    digest: Callable[[T], str],
) -> Job:
    """A job whose context is built when needed and dropped after, never kept in the list.

    Ten thousand units' contexts held from the job list to the end of the run cost more
    memory than everything else; building one again for the few files a re-run renders
    costs little (a fresh run has no digest to compare, so it builds each once).
    """

    def make() -> tuple[bytes, str]:
        built = build()
        inputs = digest(built)  # before rendering: the render must not change what is hashed
        return render(built), inputs

    return Job(
        path,
        label,
        lambda: render(build()),
        digest=lambda: digest(build()),
        make=make,
    )


def docx_job(
    templates: TemplateSet,
    template: str,
    path: PurePath,
    label: str,
    context: Built[dict[str, Any]],
    properties: DocProperties,
) -> Job:
    """A Word document from a template and its context.

    A context given as a function is built only when the job is digested or rendered;
    a context given as a dict is built now and kept with the job.
    """
    source = templates.path(template)
    if callable(context):
        return _lazy_job(
            path,
            label,
            context,
            lambda built: templates.docx(template).render(built, properties),
            lambda built: inputs_digest(source, built, properties),
        )
    return Job(
        path,
        label,
        lambda: templates.docx(template).render(context, properties),
        inputs_digest(source, context, properties),
    )


def xlsx_job(
    templates: TemplateSet,
    template: str,
    path: PurePath,
    label: str,
    spec: Built[WorkbookSpec],
) -> Job:
    """A workbook from a template and its spec (given, or built on demand as above)."""
    source = templates.path(template)
    if callable(spec):
        return _lazy_job(
            path,
            label,
            spec,
            lambda built: templates.xlsx(template).render(built),
            lambda built: inputs_digest(source, built),
        )
    return Job(
        path,
        label,
        lambda: templates.xlsx(template).render(spec),
        inputs_digest(source, spec),
    )
