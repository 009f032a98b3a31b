"""The typed plan: what each input file holds, validated by pydantic.

A plan's data lives in three files of one folder:

* ``plan.yaml`` -- :class:`PlanText`: the document (title, outline, phases).
* ``units.yaml`` -- :class:`Organisation`: the units and the groups of units.
* ``ledger.yaml`` -- :class:`Ledger`: the attached ledger's targets.

All models are strict (``no`` is not a text, ``"6"`` is not a number) and forbid
unknown keys, so typos are caught. Cross-file rules (references, ordering) live in
:mod:`generator.model.checks`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]
# ASCII ids: they become file names and ledger row keys, so they must be safe everywhere.
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Reference = Text  # a unit or group, by id or by name
NUMBERING_LEVELS = {"一、": 1, "（一）": 2, "1.": 3, "（1）": 4}
Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{1,2}$")]
# 发文字号 as GB/T 9704 7.2.4 writes it: 机关代字 + 〔年份〕 + 序号 + 号, e.g. 焦文明办〔2020〕1号.
DocNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[^\s〔〕]+〔\d{4}〕\d+号$")
]


STATUSES = ("已完成", "正在推进", "滞后", "未启动")
"""The words a unit may report in 实施情况/状态, in the order offices list them."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- units.yaml -------------------------------------------------------------------


class Unit(Model):
    """A unit (单位): an office of the bureau, a subordinate unit or a party branch."""

    id: Identifier = Field(description="单位编号（英文字母、数字），用于文件名和台账行键")
    name: Text = Field(description="单位名称，如 局法制科")
    kind: Literal["office", "unit", "branch"] = Field(
        description="office 局机关科室；unit 局属单位；branch 党组织（总支、支部）"
    )
    staff_count: int | None = Field(default=None, ge=0, description="职工总数（人）")
    illustrative: bool = Field(default=False, description="true 表示示例数据，原方案未列出")


class Group(Model):
    """A named group of units (单位分组), e.g. 各单位 or 各绿地监管单位."""

    id: Identifier
    name: Text = Field(description="分组名称，如 各绿地监管单位")
    members: list[Reference] = Field(default_factory=list, description="成员单位（编号或名称）")
    includes: list[Reference] = Field(default_factory=list, description="包含的其他分组")
    illustrative: bool = False


class Organisation(Model):
    units: list[Unit] = Field(min_length=1)
    groups: list[Group] = Field(default_factory=list)


# --- plan.yaml ---------------------------------------------------------------------


class Item(Model):
    """An outline item (条目) at any depth; with responsible units it is a task (任务).

    Rendered as: number + ``title`` + ``text`` in one paragraph, then each of
    ``paragraphs``, then the responsibility line, then the children ``items``.
    The first named responsible unit or group leads (牵头); the others co-operate
    (配合) -- unless ``lead`` and ``cooperating`` name them separately.
    """

    id: Identifier | None = Field(default=None, description="条目编号，台账目标通过它关联任务")
    title: OptionalText = Field(default="", description="标题（小标题），如 核心价值观宣传进绿地。")
    text: OptionalText = Field(default="", description="紧接标题的正文")
    paragraphs: list[Text] = Field(default_factory=list, description="其后的独立段落")
    unit_text: OptionalText = Field(
        default="",
        description="各单位实施方案中本条的写法（以单位口吻，代替 text 和 paragraphs），可空",
    )
    items: list[Item] = Field(default_factory=list, description="下级条目")
    child_numbering: Literal["（一）", "1.", "（1）"] | None = Field(
        default=None,
        description="下级条目的编号样式，缺省为下一层；可跳层，如 一、 下直接用 1.",
    )
    role: Literal["phases", "requirements"] | None = Field(
        default=None, description="phases：此处排入工作步骤；requirements：工作要求（实施方案沿用）"
    )
    responsible: list[Reference] = Field(default_factory=list, description="责任单位，首个为牵头")
    lead: list[Reference] = Field(default_factory=list, description="牵头单位（与配合单位分列时）")
    cooperating: list[Reference] = Field(default_factory=list, description="配合单位")
    deadline: OptionalText = Field(default="", description="完成时限，如 6月底前")
    leader: OptionalText = Field(default="", description="责任领导")
    score: float | None = Field(default=None, ge=0, description="分值")

    def child_level(self, level: int) -> int:
        """The outline level (1-4) of this item's children when it sits at ``level``."""
        return NUMBERING_LEVELS[self.child_numbering] if self.child_numbering else level + 1

    @property
    def is_task(self) -> bool:
        return bool(self.responsible or self.lead)

    @property
    def named(self) -> list[str]:
        """Every responsible unit or group, lead first."""
        return [*self.lead, *self.cooperating] if self.lead else list(self.responsible)

    @property
    def lead_refs(self) -> list[str]:
        return list(self.lead) if self.lead else self.named[:1]


class Phase(Model):
    """A phase of the work (工作阶段), e.g. 宣传教育阶段 in May."""

    id: Identifier
    name: Text = Field(description="阶段名称，如 宣传教育阶段")
    start: Month | dt.date | None = Field(
        default=None, description="开始月份（2016-05）或日期（2016-05-10）；原方案未写可空"
    )
    end: Month | dt.date | None = Field(
        default=None, description="结束月份（2016-11）或日期（2016-11-30）；原方案未写可空"
    )
    text: Text = Field(description="本阶段工作（方案原文）")
    unit_text: Text = Field(description="各单位在本阶段做什么（写入各单位实施方案）")

    def first_day(self) -> dt.date | None:
        return _day(self.start, last=False)

    def last_day(self) -> dt.date | None:
        return _day(self.end, last=True)


def _day(value: str | dt.date | None, last: bool) -> dt.date | None:
    """A month (2016-05) as its first or last day; a date as it is; None when blank or invalid."""
    if value is None or isinstance(value, dt.date):
        return value
    year, month = (int(part) for part in value.split("-"))
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1] if last else 1)


class Notice(Model):
    """The issuing notice (印发通知) that wraps the plan: 关于印发《方案》的通知.

    Optional: a plan with a notice is rendered as the notice (版头, 发文字号, 主送, body,
    signature, date) followed by the plan, and closes with the 版记 (抄送, 印发机关 and
    印发日期 between rules) at the foot of the last page.
    """

    authority: Text = Field(description="发文机关标志，如 焦作市文明办文件")
    number: DocNumber = Field(description="发文字号，如 焦文明办〔2020〕1号（年份用六角括号〔〕）")
    title: OptionalText = Field(
        default="", description="通知标题，缺省为 关于印发《方案标题》的通知"
    )
    addressee: Text = Field(description="主送机关，如 各县（市）区文明办，市直各单位")
    body: list[Text] = Field(
        default_factory=list,
        description="通知正文段落，缺省为 现将《方案标题》印发给你们，请结合实际，认真贯彻落实。",
    )
    issuer: OptionalText = Field(default="", description="署名，缺省同方案署名")
    date: dt.date | None = Field(default=None, description="成文日期，缺省同方案日期")
    disclosure: OptionalText = Field(default="", description="公开方式，如 此件公开发布（可空）")
    copy_to: list[Text] = Field(default_factory=list, description="抄送机关")
    printer: Text = Field(description="印发机关，如 焦作市文明办秘书科")
    print_date: dt.date | None = Field(default=None, description="印发日期，缺省同成文日期")


class PlanText(Model):
    """The plan document (方案): everything of ``plan.yaml``."""

    id: Identifier = Field(description="方案编号")
    title: Text = Field(description="方案标题")
    year: int = Field(ge=1949, le=2100)
    activity: Text = Field(description="活动名称，用于各单位实施方案标题，如 文明服务活动")
    issuer: Text = Field(description="署名（发文机关）")
    date: dt.date = Field(description="成文日期，如 2016-06-07")
    unit_plan_date: dt.date | None = Field(
        default=None,
        description="各单位实施方案的成文日期，缺省为方案（或印发通知）成文日期后7天",
    )
    addressee: OptionalText = Field(default="", description="主送机关（可空）")
    preamble: list[Text] = Field(default_factory=list, description="开头段落")
    notice: Notice | None = Field(
        default=None, description="印发通知（发文字号、主送、版记），可无"
    )
    sections: list[Item] = Field(min_length=1, description="正文各部分（一、二、……）")
    phases: list[Phase] = Field(min_length=1, description="工作步骤")


# --- ledger.yaml -------------------------------------------------------------------


class Measure(Model):
    """The machine-readable part of a quantitative target (量化指标), e.g. 不少于6次."""

    id: Identifier
    wording: Text = Field(description="原文中的说法，如 不少于6次")
    reported: Text = Field(description="单位填报的数是什么，如 举办讲座次数")
    report_unit: Text = Field(description="填报数的计量单位，如 次、人、个")
    comparator: Literal[">=", "<=", "==", "between"]
    value: float = Field(description="目标值（between 时为下限）")
    value_max: float | None = Field(default=None, description="between 的上限")
    unit: Text = Field(description="目标值的计量单位，如 次、%、个、家")
    basis: Literal["count", "staff_share", "unit_share"] = Field(
        default="count",
        description=(
            "count 直接比较；staff_share 占本单位职工总数的百分比；unit_share 占责任单位数的百分比"
        ),
    )
    scope: Literal["unit", "system"] = Field(
        default="unit", description="unit 每个单位各自达到；system 全系统合计达到"
    )
    deadline_year: int | None = Field(default=None, ge=1949, le=2100, description="目标年份")
    planned: dict[Reference, float] = Field(
        default_factory=dict,
        description="各单位计划数（单位编号或名称 → 计划数），缺省均为 value；台账列出计划与完成",
    )


class Target(Model):
    """A row of the attached ledger (台账目标): a concrete target of one task."""

    id: Identifier = Field(description="目标编号（台账行键，保持不变）")
    task: Identifier = Field(description="所属任务的条目编号")
    project: Text = Field(description="创建项目")
    subject: OptionalText = Field(default="", description="同一小项下多条目标的小标题")
    short: OptionalText = Field(
        default="",
        description="简称（12字以内），用于总结、图表和名单；缺省由目标内容推出",
    )
    text: Text = Field(description="具体目标内容")
    responsible: list[Reference] = Field(default_factory=list, description="责任单位（缺省同任务）")
    measures: list[Measure] = Field(default_factory=list)


class Ledger(Model):
    """The ledger attached to the plan (工作台账)."""

    title: Text
    targets: list[Target] = Field(min_length=1)


Item.model_rebuild()
