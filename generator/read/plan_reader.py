"""Read a plan (a folder of YAML files, or a plan workbook) into a checked :class:`Plan`.

A plan is either a folder with plan.yaml, units.yaml and ledger.yaml, or one workbook
``plan.xlsx`` (:mod:`generator.read.plan_workbook`): given as the .xlsx path, or as a
folder holding plan.xlsx instead of the three YAML files. awards.yaml, nominations.yaml
and returns/ stay YAML files in the folder either way.

Both forms give plain data with the place of every value (YAML ``line:column``, or
``sheet!cell``), validated and explained by the same code here, so every problem is
reported with the same words. Every problem of every file is collected before anything
is raised, so one run of ``plandocs check`` lists them all.
"""

from __future__ import annotations

import copy as copy_module
import datetime as dt
import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator.model.awards import Awards, Nominations
from generator.model.checks import (
    check_awards,
    check_ledger,
    check_nominations,
    check_organisation,
    check_plan_text,
)
from generator.model.placeholders import check_placeholders
from generator.model.plan import Ledger, Organisation, PlanText
from generator.model.plan_layout import WORKBOOK_FILE, Document, field_info, inner_model
from generator.model.resolved import Plan
from generator.problems import InputError, Problem
from generator.read.yaml_source import PathKey, YamlDocument, read_yaml

if TYPE_CHECKING:  # the workbook reader (openpyxl) is imported only for a workbook plan
    from generator.read.plan_workbook import WorkbookDocument

    # Where validated data came from; both kinds locate a value by its path in the data.
    Source = YamlDocument | WorkbookDocument

PLAN_FILE, UNITS_FILE, LEDGER_FILE = "plan.yaml", "units.yaml", "ledger.yaml"
AWARDS_FILE, NOMINATIONS_FILE = "awards.yaml", "nominations.yaml"  # optional
FILES: dict[Document, str] = {"plan": PLAN_FILE, "units": UNITS_FILE, "ledger": LEDGER_FILE}
M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {
    "string_type": "文字",
    "int_type": "整数",
    "float_type": "数字",
    "bool_type": "true 或 false",
    "list_type": "列表（每项以「- 」开头）",
    "dict_type": "键值对",
    "model_type": "键值对",
    "date_type": "日期（如 2016-06-07）",
}


def read_plan(path: Path, unfinished: bool = False) -> Plan:
    """Read and check the plan at ``path`` (a folder or a plan workbook).

    Raises :class:`InputError` with every problem. With ``unfinished`` what is still
    to be filled in (placeholders, a group's members) is let through: for ``convert``,
    so an import can be finished in Excel; never for issuing documents.
    """
    problems: list[Problem] = []
    documents = read_documents(path, problems)
    org = _validate(documents["units"], Organisation, problems)
    text = _validate(documents["plan"], PlanText, problems)
    ledger = _validate(documents["ledger"], Ledger, problems)
    org_problems = [] if org is None else check_organisation(org, documents["units"])  # type: ignore[arg-type]
    problems.extend(org_problems)
    if text is not None:
        problems.extend(check_plan_text(text, org, documents["plan"]))  # type: ignore[arg-type]
    if ledger is not None:
        # The ledger checks resolve groups into units: only an organisation without problems
        # can be resolved (a unit whose name was set aside leaves its groups dangling).
        usable = None if org_problems else org
        problems.extend(check_ledger(ledger, text, usable, documents["ledger"]))  # type: ignore[arg-type]
    problems.extend(check_placeholders(text, org, ledger, documents))  # type: ignore[arg-type]
    if unfinished:
        problems = [p for p in problems if not p.unfinished]
    awards = None
    folder = plan_folder(path)
    if (folder / AWARDS_FILE).is_file():
        awards_doc = read_yaml(folder / AWARDS_FILE, problems)
        awards = _validate(awards_doc, Awards, problems)
        if awards is not None:
            problems.extend(check_awards(awards, awards_doc))  # type: ignore[arg-type]
    if problems or org is None or text is None or ledger is None:
        raise InputError(problems)
    return Plan(text, org, ledger, awards)


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() == ".xlsx"


def plan_folder(path: Path) -> Path:
    """The folder that holds the plan's awards.yaml, nominations.yaml and returns/."""
    return path.parent if is_workbook(path) else path


def plan_source(path: Path, document: Document) -> Path:
    """The file a part of the plan is read from, to name in a message about it."""
    if is_workbook(path):
        return path
    if (path / WORKBOOK_FILE).is_file():
        return path / WORKBOOK_FILE
    return path / FILES[document]


def read_documents(path: Path, problems: list[Problem]) -> dict[Document, Source | None]:
    """The plan's three documents from a folder of YAML files or from a plan workbook."""
    workbook = path / WORKBOOK_FILE
    if not is_workbook(path) and workbook.is_file():
        present = [name for name in FILES.values() if (path / name).exists()]
        if present:
            problems.append(
                Problem(
                    workbook,
                    "",
                    "",
                    f"目录中同时有 {WORKBOOK_FILE} 和 {'、'.join(present)}，不知道以哪个为准",
                    f"请只保留一种：用 --data {workbook} 指定工作簿，或移走其中一种文件",
                )
            )
            return dict.fromkeys(FILES)
        path = workbook
    if is_workbook(path):
        from generator.read.plan_workbook import read_workbook

        return {**dict.fromkeys(FILES), **(read_workbook(path, problems) or {})}
    if path.is_file():
        problems.append(Problem(path, "", "", "不是方案目录，也不是 .xlsx 方案工作簿", _WHERE_HINT))
        return dict.fromkeys(FILES)
    return {key: read_yaml(path / name, problems) for key, name in FILES.items()}


_WHERE_HINT = "--data 请指定含 plan.yaml、units.yaml、ledger.yaml 的目录，或 .xlsx 方案工作簿"


def read_nominations(path: Path, plan: Plan) -> Nominations:
    """The nominees in ``nominations.yaml`` beside the plan (none if absent), checked."""
    path = plan_folder(path) / NOMINATIONS_FILE
    if not path.is_file():
        return Nominations()
    problems: list[Problem] = []
    document = read_yaml(path, problems)
    nominations = _validate(document, Nominations, problems)
    if nominations is not None:
        problems.extend(
            check_nominations(nominations, plan.awards, plan.organisation, document)  # type: ignore[arg-type]
        )
    if problems or nominations is None:
        raise InputError(problems)
    return nominations


def _validate(document: Source | None, model: type[M], problems: list[Problem]) -> M | None:
    if document is None:
        return None
    if not isinstance(document.data, dict):
        problems.append(
            document.problem((), "文件内容应为键值对（如 title: …）", "请参照示例文件的结构")
        )
        return None
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        errors = exc.errors()
    problems.extend(_explain_all(document, model, errors))
    # Validate once more with each faulty value set aside, so that the cross-reference
    # checks still run and one run reports everything else that is wrong too.
    try:
        return model.model_validate(_set_aside(document.data, model, errors))
    except (ValidationError, _CannotRepair):
        return None


class _CannotRepair(Exception):
    pass


def _explain_all(document: Source, model: type[BaseModel], errors: list[Any]) -> list[Problem]:
    extras: dict[PathKey, list[str]] = {}
    for error in errors:
        if error["type"] == "extra_forbidden":
            extras.setdefault(tuple(error["loc"][:-1]), []).append(str(error["loc"][-1]))
    found = []
    for error in errors:
        path = tuple(error["loc"])
        if path in document.flagged:
            continue  # the reader already explained this value (octal, bad date, ...)
        if error["type"] == "missing" and difflib.get_close_matches(
            str(path[-1]), extras.get(path[:-1], []), n=1
        ):
            continue  # "unknown key 'activty'" already says what is missing
        found.append(_explain(document, model, error))
    return found


def _set_aside(data: Any, model: type[BaseModel], errors: list[Any]) -> Any:
    """A copy of ``data`` where each faulty value is removed or replaced by a placeholder."""
    fixed = copy_module.deepcopy(data)
    # Deepest and last list positions first, so earlier indices stay valid.
    for error in sorted(errors, key=lambda e: [str(p).zfill(8) for p in e["loc"]], reverse=True):
        path = tuple(error["loc"])
        parent = _at(fixed, path[:-1])
        key = path[-1]
        if isinstance(key, int) or error["type"] == "extra_forbidden":
            del parent[key]
            continue
        field = _field_at(model, path)
        if field is not None and not field.is_required():
            parent.pop(key, None)
        else:
            parent[key] = _placeholder(field)
    return fixed


def _at(data: Any, path: PathKey) -> Any:
    for part in path:
        data = data[part]
    return data


def _field_at(model: type[BaseModel], path: PathKey) -> Any:
    return field_info(model, ".".join(str(p) for p in path if not isinstance(p, int)))


def _placeholder(field: Any) -> Any:
    """A value of the field's type, valid for its constraints, standing in for a faulty one."""
    if field is None:
        raise _CannotRepair
    annotation = field.annotation
    if annotation is dt.date:
        return dt.date(2000, 1, 1)
    if annotation is int:
        return next((m.ge for m in field.metadata if hasattr(m, "ge")), 0)
    if annotation is float:
        return 0.0
    if annotation is str:
        pattern = next((m.pattern for m in field.metadata if getattr(m, "pattern", None)), None)
        if pattern and "\\d{4}" in pattern:
            return "2000-01"
        return "x" if pattern else "?"
    args = getattr(annotation, "__args__", ())
    if args and all(isinstance(a, str) for a in args):  # Literal[...]
        return args[0]
    raise _CannotRepair


def _explain(document: Source, model: type[BaseModel], error: Any) -> Problem:
    path: PathKey = tuple(error["loc"])
    kind = error["type"]
    field = path[-1] if path else ""
    if kind == "missing":
        if not isinstance(document, YamlDocument):  # a WorkbookDocument
            return document.missing(path)  # named by its column, at its cell
        return document.problem(path, f"缺少必填字段「{field}」", f"请在此处补上 {field}: …")
    if kind == "extra_forbidden":
        return document.problem(path, f"未知字段「{field}」", _suggest(model, path))
    if kind in ("string_too_short", "too_short"):
        what = "文字" if kind == "string_too_short" else "列表"
        return document.problem(path, f"{what}不能为空", "请填写内容")
    if kind == "string_pattern_mismatch":
        return document.problem(path, f"「{error['input']}」格式不对", _pattern_hint(path))
    if kind == "literal_error":
        return document.problem(
            path, f"「{error['input']}」不是允许的取值", f"只能是：{error['ctx']['expected']}"
        )
    if kind in ("greater_than_equal", "less_than_equal"):
        return document.problem(
            path, f"数值 {error['input']} 超出允许范围", f"要求：{error['msg']}"
        )
    if kind in _TYPE_NAMES:
        hint = document.scalar_hint(path) or f"请改为{_TYPE_NAMES[kind]}"
        actual = document.source_text(path, error["input"])
        return document.problem(path, f"应为{_TYPE_NAMES[kind]}，实际是「{actual}」", hint)
    return document.problem(path, f"取值有误：{error['msg']}", "请参照示例文件改正")


def _pattern_hint(path: PathKey) -> str:
    if path and path[-1] in ("start", "end"):
        return "月份请写成 年-月，如 2016-05"
    return (
        "编号只能用英文字母、数字开头，由字母、数字、点 . 、下划线 _ 、横线 - 组成，最长 64 个字符"
    )


def _suggest(model: type[BaseModel], path: PathKey) -> str:
    fields = _fields_at(model, path[:-1])
    close = difflib.get_close_matches(str(path[-1]), fields, n=1)
    guess = f"是否想写「{close[0]}」？" if close else ""
    return f"{guess}此处可用的字段：{'、'.join(fields)}"


def _fields_at(model: type[BaseModel], path: PathKey) -> list[str]:
    """The field names of the model that sits at ``path`` (following nested models)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        current = inner_model(current.model_fields[part].annotation)
        if current is None:
            return []
    return list(current.model_fields)
