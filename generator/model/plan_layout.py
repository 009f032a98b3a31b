"""How a plan workbook (方案工作簿, plan.xlsx) lays out the plan models: the one table.

Staff who prefer Excel to YAML keep a plan in one workbook instead of plan.yaml,
units.yaml and ledger.yaml. :data:`SHEETS` says which sheet and column holds which
model field and how a cell is written; the reader (:mod:`generator.read.plan_workbook`),
the writer (:mod:`generator.documents.plan_workbook`) and the 说明 sheet all come from it,
so a new field is added here once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from generator.model.plan import Group, Item, Ledger, Measure, Phase, PlanText, Target, Unit

WORKBOOK_FILE = "plan.xlsx"
GUIDE_SHEET = "说明"

Document = Literal["plan", "units", "ledger"]
Kind = Literal[
    "id",  # an Identifier: kept as text; a number Excel made of it is refused
    "text",  # one line of text
    "lines",  # a list of paragraphs: one per row (see each sheet's note)
    "refs",  # unit or group references separated by 、
    "int",
    "number",
    "date",
    "period",  # a month (2016-05) or a date
    "bool",  # 是 / blank
    "choice",  # one of fixed values, written as Chinese labels
    "planned",  # 单位:数 pairs
    "details",  # labelled lines 标注：内容, one per line of the cell
    "level",  # the outline level of a 正文 row (nesting depth, 1-4)
    "parent",  # the id of the record a 量化指标 row belongs to
]

# What every cell of a kind looks like, for the 说明 sheet.
KIND_NOTES: dict[Kind, str] = {
    "id": "英文字母或数字开头，可含字母、数字和 . _ -（本列为文本格式；编号如 1.1 请勿存成数字）",
    "text": "",
    "lines": "",
    "refs": "单位或分组的编号或名称，多个用顿号「、」分隔",
    "int": "整数",
    "number": "数字",
    "date": "日期，如 2016-06-07",
    "period": "月份（如 2016-05）或日期（如 2016-05-10）",
    "bool": "是示例数据填「是」，否则留空",
    "choice": "从下拉列表中选择",
    "planned": "单位:计划数，多个用顿号「、」分隔，如 局法制科:3、局办公室:5",
    "details": "每行一项「标注：内容」，如 时间：  年 月 日（内容可留空）；在格内换行用 Alt+Enter",
    "level": "1 至 5：1 为 一、，2 为 （一），3 为 1.，4 为 （1），5 为 ①；下级比上级大 1",
    "parent": "该指标所属台账目标的目标编号",
}


@dataclass(frozen=True)
class Column:
    """A column of a table sheet, or a row (项目) of the key/value sheet 方案."""

    header: str
    field: str  # the field below the record, dotted for nested models ("notice.body")
    kind: Kind
    width: int = 14
    choices: tuple[tuple[str, str], ...] = ()  # (model value, label shown in Excel)
    note: str = ""  # said in 说明 instead of the field's own (YAML-minded) description
    document: Document | None = None  # only where it differs from the sheet's (台账标题)

    @property
    def labels(self) -> dict[str, str]:
        return {value: label for value, label in self.choices}


@dataclass(frozen=True)
class Sheet:
    """A sheet: a list of records (one per row), or the key/value rows of one record."""

    name: str
    document: Document
    model: type[BaseModel]  # the model of one record (of the document for a key/value sheet)
    columns: tuple[Column, ...]
    note: str
    records: tuple[str, ...] = ()  # where the list sits in its document; () = key/value sheet
    parent: str = ""  # a sheet whose rows hold this sheet's records (by the parent column)
    required: bool = True

    @property
    def keyed(self) -> bool:
        return not self.records

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)


def _text(header: str, field: str, width: int = 14, note: str = "") -> Column:
    return Column(header, field, "text", width, note=note)


_PLAN_NOTICE = "印发通知可无，通知各项都不填则不生成通知；发文机关标志，如 焦作市文明办文件"
KEYED_HEADERS = ("项目", "内容", "说明")

PLAN = Sheet(
    "方案",
    "plan",
    PlanText,
    (
        Column("方案编号", "id", "id"),
        _text("标题", "title"),
        Column("年度", "year", "int", note="方案年度，如 2016"),
        _text("活动名称", "activity"),
        _text("署名", "issuer"),
        Column("成文日期", "date", "date", note="方案的成文日期"),
        Column(
            "实施方案日期",
            "unit_plan_date",
            "date",
            note="各单位实施方案的成文日期，不早于方案日期；不填为方案成文日期后7天",
        ),
        _text("主送", "addressee"),
        Column("开头段落", "preamble", "lines", note="多段时每段一行，每行 A 列都写「开头段落」"),
        Column("台账标题", "title", "text", document="ledger", note="附件台账的标题"),
        _text("通知发文机关标志", "notice.authority", note=_PLAN_NOTICE),
        _text("通知发文字号", "notice.number"),
        _text("通知标题", "notice.title"),
        _text("通知主送", "notice.addressee"),
        Column(
            "通知正文",
            "notice.body",
            "lines",
            note="多段时每段一行；不填则为 现将《方案标题》印发给你们，请结合实际，认真贯彻落实。",
        ),
        _text("通知署名", "notice.issuer"),
        Column("通知成文日期", "notice.date", "date"),
        _text("通知公开方式", "notice.disclosure"),
        Column("通知抄送", "notice.copy_to", "lines", note="每个抄送机关一行"),
        _text("通知印发机关", "notice.printer"),
        Column("通知印发日期", "notice.print_date", "date"),
        Column(
            "待核对",
            "unconfirmed",
            "lines",
            note="导入时推断、尚未确认的项目（如 year、date），每项一行；"
            "核对后删去，清空前不能生成文件",
        ),
        Column("示例方案", "example", "bool", note="内置示例填「是」：允许示例单位；本局方案留空"),
    ),
    "方案的标题、署名等：每行一项，A 列是项目名（不要改动），B 列填内容。",
)

OUTLINE = Sheet(
    "正文",
    "plan",
    Item,
    (
        Column("层级", "", "level", 6),
        Column("条目编号", "id", "id", 10),
        _text("标题", "title", 30),
        _text("正文", "text", 50),
        Column(
            "其后段落",
            "paragraphs",
            "lines",
            50,
            note="标题、正文之后的独立段落：第一段写在条目所在行，"
            "其余各段在下面的行继续写（这些行只填本列）",
        ),
        _text("单位写法", "unit_text", 40, note="各单位实施方案中本条的写法（以单位口吻），可空"),
        Column("责任单位", "responsible", "refs", 24),
        Column("牵头单位", "lead", "refs", 20),
        Column("配合单位", "cooperating", "refs", 20),
        _text("完成时限", "deadline", 12),
        _text("责任领导", "leader", 16),
        Column("分值", "score", "number", 8),
        Column("标注事项", "details", "details", 30),
        Column(
            "角色",
            "role",
            "choice",
            10,
            (("phases", "工作步骤"), ("requirements", "工作要求")),
            note="工作步骤：各阶段（工作步骤工作表）排在此条目下；工作要求：各单位实施方案沿用此部分",
        ),
        Column(
            "下级编号样式",
            "child_numbering",
            "choice",
            12,
            (("（一）", "（一）"), ("1.", "1."), ("（1）", "（1）"), ("①", "①")),
        ),
    ),
    "方案正文的各级条目，按文中顺序每条一行；层级 1 为 一、，其下各级依次排在它后面。"
    "有责任单位的条目是任务，须填条目编号。",
    records=("sections",),
)

PHASES = Sheet(
    "工作步骤",
    "plan",
    Phase,
    (
        Column("编号", "id", "id", 10),
        _text("阶段名称", "name", 16),
        Column("开始", "start", "period", 12, note="开始月份或日期，原方案未写可空"),
        Column("结束", "end", "period", 12, note="结束月份或日期，原方案未写可空"),
        _text("本阶段工作", "text", 50),
        _text("各单位工作", "unit_text", 50),
    ),
    "工作步骤（各阶段），按时间先后每阶段一行。",
    records=("phases",),
)

UNITS = Sheet(
    "单位",
    "units",
    Unit,
    (
        Column("编号", "id", "id", 12),
        _text("名称", "name", 24),
        Column(
            "类别",
            "kind",
            "choice",
            12,
            (("office", "机关科室"), ("unit", "下属单位"), ("branch", "党组织")),
            note="机关科室、下属单位或党组织（总支、支部）",
        ),
        Column("职工总数", "staff_count", "int", 10),
        Column("示例数据", "illustrative", "bool", 10, note="原方案未列出、仅作示例的单位"),
    ),
    "承担任务的单位，每个单位一行。",
    records=("units",),
)

GROUPS = Sheet(
    "分组",
    "units",
    Group,
    (
        Column("编号", "id", "id", 12),
        _text("名称", "name", 20),
        Column("成员单位", "members", "refs", 60),
        Column("包含分组", "includes", "refs", 20),
        Column("示例数据", "illustrative", "bool", 10, note="原方案未列出、仅作示例的分组"),
        Column(
            "成员数",
            "count",
            "int",
            8,
            note="方案写明的成员数，如 第一组（14个）；须与成员单位相符",
        ),
    ),
    "单位分组（如 各单位），任务的责任单位可以写分组；每个分组一行。",
    records=("groups",),
    required=False,
)

TARGETS = Sheet(
    "台账目标",
    "ledger",
    Target,
    (
        Column("目标编号", "id", "id", 10),
        Column("所属任务", "task", "id", 10, note="正文中任务的条目编号"),
        _text("创建项目", "project", 24),
        _text("小标题", "subject", 20),
        _text("简称", "short", 16, note="总结和图表中称呼本目标，15字以内，各目标不重复"),
        _text("具体目标", "text", 50),
        Column("责任单位", "responsible", "refs", 20),
    ),
    "附件台账的每条目标一行；目标编号是台账的行键，发出台账后不要再改。",
    records=("targets",),
)

MEASURES = Sheet(
    "量化指标",
    "ledger",
    Measure,
    (
        Column("目标编号", "", "parent", 10),
        Column("指标编号", "id", "id", 12),
        _text("原文说法", "wording", 20),
        _text("填报内容", "reported", 30),
        _text("填报计量单位", "report_unit", 8),
        Column(
            "比较方式",
            "comparator",
            "choice",
            10,
            ((">=", "不少于"), ("<=", "不超过"), ("==", "等于"), ("between", "区间")),
        ),
        Column("目标值", "value", "number", 8, note="目标值（区间时为下限）"),
        Column("上限", "value_max", "number", 8, note="区间的上限"),
        _text("目标计量单位", "unit", 8),
        Column(
            "计算方式",
            "basis",
            "choice",
            16,
            (
                ("count", "直接计数"),
                ("staff_share", "占职工总数百分比"),
                ("unit_share", "占责任单位数百分比"),
            ),
            note="填报数直接与目标值比较，或按占本单位职工总数、占责任单位数的百分比比较；空为直接计数",
        ),
        Column(
            "范围",
            "scope",
            "choice",
            14,
            (("unit", "各单位分别达到"), ("system", "全系统合计")),
            note="空为各单位分别达到",
        ),
        Column("目标年份", "deadline_year", "int", 8),
        Column(
            "计划数",
            "planned",
            "planned",
            30,
            note="各单位的计划数，未列的单位按目标值；台账列出计划与完成",
        ),
    ),
    "台账目标中可以量化的部分（如 不少于6次），每个指标一行，用目标编号指明所属目标。",
    records=("measures",),
    parent="台账目标",
    required=False,
)

SHEETS: tuple[Sheet, ...] = (PLAN, OUTLINE, PHASES, UNITS, GROUPS, TARGETS, MEASURES)
BY_NAME = {sheet.name: sheet for sheet in SHEETS}


def field_info(model: type[BaseModel], dotted: str) -> Any:
    """The pydantic field at ``dotted`` below ``model`` (following nested models), or None."""
    current: Any = model
    info = None
    for name in dotted.split("."):
        info = current.model_fields.get(name) if current else None
        if info is None:
            return None
        current = inner_model(info.annotation)
    return info


def inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds (``Item``, ``list[Item]``, ``Notice | None``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = inner_model(arg)
        if found:
            return found
    return None


def column_model(sheet: Sheet, column: Column) -> type[BaseModel]:
    return Ledger if column.document == "ledger" and sheet.keyed else sheet.model


def is_required(sheet: Sheet, column: Column) -> bool:
    """Whether a value must be given: a required field (for notice fields: if there is a notice)."""
    if column.kind in ("level", "parent"):
        return True
    info = field_info(column_model(sheet, column), column.field)
    return bool(info is not None and info.is_required())


def description(sheet: Sheet, column: Column) -> str:
    """The 说明 text of a column: its note (else the field's description), the kind's format.

    Fields with fixed choices are never described by the model: its description speaks
    of the YAML values (office, unit ...) where the sheet shows Chinese labels.
    """
    info = field_info(column_model(sheet, column), column.field) if column.field else None
    own = info.description if info is not None and info.description else ""
    if column.note or column.kind in ("choice", "bool"):
        own = column.note
    kind = KIND_NOTES[column.kind]
    if column.choices:
        kind = f"{kind}：{'、'.join(label for _, label in column.choices)}"
    return "；".join(part for part in (own, kind) if part)


def required_text(sheet: Sheet, column: Column) -> str:
    if not is_required(sheet, column):
        return ""
    return "有通知时必填" if column.field.startswith("notice.") else "必填"


def guide_rows() -> Iterator[tuple[str, str, str, str]]:
    """(sheet, column, required, description) for the 说明 sheet and the README.

    A sheet's own row has an empty column and the sheet's note as its description.
    """
    for sheet in SHEETS:
        yield sheet.name, "", "", sheet.note
        for column in sheet.columns:
            yield (
                sheet.name,
                column.header,
                required_text(sheet, column),
                description(sheet, column),
            )
