"""Plan data as files, for ``plandocs init``, ``convert``, ``import`` and ``schema``.

A plan is written either as the three YAML files (:mod:`generator.write.plan_yaml`) or
as one plan workbook (:mod:`generator.documents.plan_workbook`). Files are written all or
nothing (:class:`generator.write.atomic.OutputSet`) and never over existing ones unless
asked to.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from generator.documents.plan_workbook import plan_workbook_bytes
from generator.model.plan import Ledger, Organisation, PlanText
from generator.model.plan_layout import WORKBOOK_FILE
from generator.model.schema import schema_texts
from generator.model.short_names import with_short_names
from generator.problems import InputError, Problem
from generator.read.plan_import import REPORT_FILE, Imported
from generator.read.plan_reader import AWARDS_FILE, FILES, NOMINATIONS_FILE, is_workbook, read_plan
from generator.read.plan_reader import plan_folder as folder_of
from generator.write.atomic import write_bytes_atomic, write_files
from generator.write.plan_yaml import plan_yaml_texts
from generator.write.text import report_bytes

PLAN_FILES = (*FILES.values(), WORKBOOK_FILE)  # either form of a plan in a folder
COMPANIONS = (AWARDS_FILE, NOMINATIONS_FILE)  # YAML beside either form


def plan_files(
    text: PlanText, organisation: Organisation, ledger: Ledger, workbook: bool
) -> dict[str, bytes]:
    """File name -> bytes of the plan in one form: plan.xlsx, or the three YAML files."""
    if workbook:
        return {WORKBOOK_FILE: plan_workbook_bytes(text, organisation, ledger)}
    texts = plan_yaml_texts(text, organisation, ledger)
    return {name: content.encode("utf-8") for name, content in texts.items()}


def destination(dest: Path) -> tuple[Path, str | None]:
    """The folder written into, and the workbook's own name when ``dest`` is a .xlsx path."""
    return (dest.parent, dest.name) if is_workbook(dest) else (dest, None)


def converted_files(
    source: Path, dest: Path, text: PlanText, organisation: Organisation, ledger: Ledger
) -> dict[str, bytes]:
    """What ``convert`` writes into the destination folder: the plan and its companions.

    awards.yaml and nominations.yaml go along (copied as they are) unless the destination
    is the source's own folder, so the converted plan is the same plan.
    """
    folder, name = destination(dest)
    files = plan_files(text, organisation, ledger, workbook=name is not None)
    if name is not None:
        files = {name: files[WORKBOOK_FILE]}
    source_folder = folder_of(source)
    if source_folder.resolve() != folder.resolve():
        for companion in COMPANIONS:
            if (source_folder / companion).is_file():
                files[companion] = (source_folder / companion).read_bytes()
    return files


def starter_plan(year: int | None = None) -> tuple[PlanText, Organisation, Ledger]:
    """A small complete plan to fill in: every sheet and most columns have an example."""
    y = year or dt.date.today().year
    return (
        PlanText.model_validate(_starter_text(y)),
        Organisation.model_validate(_STARTER_UNITS),
        Ledger.model_validate(_starter_ledger(y)),
    )


_STARTER_UNITS: dict[str, Any] = {
    "units": [
        {"id": "bgs", "name": "局办公室", "kind": "office", "staff_count": 8},
        {"id": "ywk", "name": "局业务科", "kind": "office", "staff_count": 6},
        {"id": "glc1", "name": "第一管理处", "kind": "unit", "staff_count": 40},
        {"id": "glc2", "name": "第二管理处", "kind": "unit", "staff_count": 35},
    ],
    "groups": [{"id": "all", "name": "各单位", "members": ["第一管理处", "第二管理处"]}],
}


def _starter_text(y: int) -> dict[str, Any]:
    return {
        "id": f"example-{y}",
        "title": f"{y}年××局文明服务活动方案",
        "year": y,
        "activity": "文明服务活动",
        "issuer": "××局",
        "date": dt.date(y, 3, 1),
        "preamble": ["为进一步提升服务水平，结合本局实际，制定本方案。"],
        "sections": [
            {
                "title": "指导思想",
                "paragraphs": [
                    "以培育和践行社会主义核心价值观为引领，在全系统深入开展文明服务活动。"
                ],
            },
            {
                "title": "活动内容",
                "items": [
                    {
                        "id": "T1",
                        "title": "开展文明服务宣传教育。",
                        "text": "在各单位办公区设置文明服务宣传栏，举办文明服务讲座。",
                        "responsible": ["局办公室", "各单位"],
                        "deadline": "6月底前",
                    },
                    {
                        "id": "T2",
                        "title": "规范窗口服务。",
                        "text": "制定窗口服务规范，实行承诺服务、限时服务。",
                        "lead": ["局业务科"],
                        "cooperating": ["局办公室"],
                        "deadline": "年底前",
                        "score": 10,
                    },
                ],
            },
            {"title": "工作步骤", "role": "phases"},
            {
                "title": "工作要求",
                "role": "requirements",
                "paragraphs": ["各单位要高度重视，明确专人负责，按时报送台账。"],
            },
        ],
        "phases": [
            _phase("P1", "动员部署阶段", f"{y}-04", f"{y}-04", "制定实施方案，动员部署。"),
            _phase("P2", "组织实施阶段", f"{y}-05", f"{y}-11", "按方案逐项落实各项任务。"),
            _phase("P3", "总结评比阶段", f"{y}-12", f"{y}-12", "总结全年工作，评选先进。"),
        ],
    }


def _phase(pid: str, name: str, start: str, end: str, text: str) -> dict[str, Any]:
    return {"id": pid, "name": name, "start": start, "end": end, "text": text, "unit_text": text}


def _starter_ledger(y: int) -> dict[str, Any]:
    project = "文明服务宣传教育"
    lectures = {
        "id": "lectures",
        "wording": "不少于4次",
        "reported": "全年举办文明服务讲座次数",
        "report_unit": "次",
        "comparator": ">=",
        "value": 4,
        "unit": "次",
        "deadline_year": y,
    }
    return {
        "title": "××局文明服务活动工作台账",
        "targets": with_short_names(
            [
                {
                    "id": "L01",
                    "task": "T1",
                    "project": project,
                    "text": "在办公区设置文明服务宣传栏。",
                },
                {
                    "id": "L02",
                    "task": "T1",
                    "project": project,
                    "text": "全年举办文明服务讲座不少于4次。",
                    "measures": [lectures],
                },
                {
                    "id": "L03",
                    "task": "T2",
                    "project": "窗口服务规范化",
                    "text": "制定窗口服务规范并上墙公示。",
                },
            ]
        ),
    }


SCHEMA_REFERENCE = b"$schema=../schema/"  # the bundled examples' first line, for editors


def example_files(folder: Path, schemas: Path) -> dict[str, bytes]:
    """A bundled example, file by file (its returns too), for ``init --example``.

    The JSON Schemas go along into ``schema/`` beside the plan, and each YAML file's
    editor reference is pointed there, so the copy stands on its own.
    """
    files = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    for name, data in files.items():
        if name.endswith(".yaml"):
            files[name] = data.replace(SCHEMA_REFERENCE, b"$schema=schema/", 1)
    for schema in sorted(schemas.glob("*.json")):
        files[f"schema/{schema.name}"] = schema.read_bytes()
    return files


def template_files(folder: Path) -> dict[str, bytes]:
    """The bundled templates, for a bureau to edit and pass with ``--templates``."""
    return {
        path.name: path.read_bytes()
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix in (".docx", ".xlsx")
    }


def imported_workbook(imported: Imported, workbook: Path) -> dict[str, bytes]:
    """What ``import … --out plan.xlsx`` writes beside each other: the plan workbook (to be
    finished in Excel) and 导入说明.txt, whose list of what is still to fill in names the
    workbook's cells."""
    assert imported.text and imported.organisation and imported.ledger
    data = plan_workbook_bytes(imported.text, imported.organisation, imported.ledger)
    imported.out = workbook
    imported.problems = still_to_fill({workbook.name: data}, workbook, workbook.name)
    return {workbook.name: data, REPORT_FILE: report_bytes(imported.report() + "\n")}


def write_schemas(folder: Path) -> list[Path]:
    """Write the plan files' JSON Schemas into ``folder`` (``plandocs schema``)."""
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        write_bytes_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written


# --- plandocs import: writing what was imported ---------------------------------------


def import_files(imported: Imported) -> dict[str, str]:
    """File name -> text of what the import writes: the three plan files and the report."""
    assert imported.text and imported.organisation and imported.ledger
    texts = plan_yaml_texts(imported.text, imported.organisation, imported.ledger)
    origin = (
        f"# 由 plandocs import 从 {imported.source.path.name} 导入，请对照 {REPORT_FILE} 核对。"
    )
    texts = {name: f"{origin}\n{text}" for name, text in texts.items()}
    encoded = {name: text.encode("utf-8") for name, text in texts.items()}
    imported.problems = still_to_fill(encoded, imported.out, None)
    return {**texts, REPORT_FILE: imported.report() + "\n"}


def still_to_fill(files: dict[str, bytes], out: Path, workbook: str | None) -> list[Problem]:
    """What ``plandocs check`` will ask of the written plan, at its real places (YAML
    line:column or sheet!cell): the plan is read back from a scratch copy, as check reads it."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for name, data in files.items():
            (folder / name).write_bytes(data)
        try:
            read_plan(folder / workbook if workbook else folder)
        except InputError as error:
            real = out if workbook else None
            return [dataclasses.replace(p, file=real or out / p.file.name) for p in error.problems]
    return []


def write_import(imported: Imported, force: bool) -> list[Path]:
    """Write the imported data atomically; refuse to replace existing files unless ``force``."""
    if not imported.complete:  # only the problems of the source itself: nothing is written
        raise InputError([p for p in imported.problems if p.file == imported.source.path])
    files = {
        name: report_bytes(text) if name.endswith(".txt") else text.encode("utf-8")
        for name, text in import_files(imported).items()
    }
    # A plan.xlsx already there would make the folder ambiguous: refuse it too.
    return write_files(imported.out, files, force, (WORKBOOK_FILE,), IMPORT_OVERWRITE_HINT)


IMPORT_OVERWRITE_HINT = "如要覆盖请加 --force，或用 --out 指定其他目录"
