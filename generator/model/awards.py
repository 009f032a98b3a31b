"""Commendations (评选表彰): award categories with their rules, and the nominees.

``awards.yaml`` declares the categories a plan commends (先进集体, 先进个人, 岗位学雷锋标兵 …),
each with its form fields and rules; ``nominations.yaml`` (or the returned nomination
workbooks) lists who the units put forward.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from generator.model.plan import Identifier, Model, OptionalText, Reference, Text

Kind = Literal["collective", "individual", "household"]

INDIVIDUAL_FIELDS = {
    "gender": "性别",
    "ethnicity": "民族",
    "birth": "出生年月",
    "politics": "政治面貌",
    "education": "学历",
    "work_start": "参加工作时间",
    "position": "工作单位及职务",
    "phone": "联系电话",
}
COLLECTIVE_FIELDS = {
    "nature": "单位性质",
    "head": "负责人",
    "staff": "职工人数",
    "contact": "联系人及电话",
}
# A household (好邻里奖16户, 书香家庭): nominated by its community, not a unit's own people.
HOUSEHOLD_FIELDS = {"address": "家庭住址", "family": "家庭成员", "phone": "联系电话"}
KIND_FIELDS = {
    "individual": INDIVIDUAL_FIELDS,
    "collective": COLLECTIVE_FIELDS,
    "household": HOUSEHOLD_FIELDS,
}
FIRST_LABEL = {"individual": "姓名", "collective": "单位名称", "household": "户主姓名"}
COUNT_WORD = {"individual": "名", "collective": "个", "household": "户"}
FIELD_LABELS = {"name": "姓名", **INDIVIDUAL_FIELDS, **COLLECTIVE_FIELDS, **HOUSEHOLD_FIELDS}
CHOICES = {
    "gender": ("男", "女"),
    "politics": ("中共党员", "中共预备党员", "共青团员", "民主党派", "群众"),
    "education": ("研究生", "大学本科", "大学专科", "中专", "高中", "初中及以下"),
    "nature": ("行政机关", "参公事业单位", "事业单位", "企业", "其他"),
}


class AwardRules(Model):
    """What a nominee must satisfy (推荐条件); every rule is optional."""

    min_unit_completion: float | None = Field(
        default=None, ge=0, le=1, description="集体所在单位全年台账完成率下限，如 0.9"
    )
    staff_per_nominee: int | None = Field(
        default=None, ge=1, description="名额：每多少名职工可推荐 1 名（至少 1 名）"
    )
    max_per_unit: int | None = Field(default=None, ge=0, description="每单位最多推荐几名")
    total: int | None = Field(
        default=None, ge=0, description="本类别的总名额（如 最佳社区3个、好邻里奖16户）"
    )
    story_min: int = Field(default=300, ge=0, description="主要事迹最少字数")
    story_max: int = Field(default=2000, ge=1, description="主要事迹最多字数")
    min_age: int = Field(default=18, ge=0, description="个人年龄下限（按评选年度计）")
    max_age: int = Field(default=65, ge=1, description="个人年龄上限")


class Award(Model):
    """An award category (表彰类别)."""

    id: Identifier
    name: Text = Field(description="类别名称，如 先进个人")
    kind: Kind = Field(description="collective 集体；individual 个人；household 家庭（户）")
    fields: list[str] = Field(default_factory=list, description="推荐表字段，缺省按类别")
    required: list[str] = Field(default_factory=list, description="必填字段，缺省为全部字段")
    rules: AwardRules = Field(default_factory=AwardRules)
    opinions: list[Text] = Field(
        default_factory=lambda: ["所在单位意见", "主管部门意见", "审批意见"],
        description="意见栏",
    )

    @property
    def form_fields(self) -> list[str]:
        return self.fields or list(KIND_FIELDS[self.kind])

    @property
    def first_label(self) -> str:
        """The form's first row: 姓名, 单位名称 or 户主姓名."""
        return FIRST_LABEL[self.kind]

    @property
    def count_word(self) -> str:
        """3个 collectives, 5名 people, 16户 households."""
        return COUNT_WORD[self.kind]

    @property
    def required_fields(self) -> list[str]:
        return self.required or [f for f in self.form_fields if f != "phone"]


class CoverReport(Model):
    """The report that sends the bureau's choice upward (推荐报告)."""

    to: Text = Field(description="主送机关，如 市直机关工委")
    title: Text = Field(description="报告标题")
    date: dt.date = Field(description="成文日期")
    opening: Text = Field(description="开头段落")
    contact: OptionalText = Field(default="", description="联系人及电话")


class Awards(Model):
    """Everything of ``awards.yaml``."""

    title: Text = Field(description="评选名称，如 2016年度文明服务先进集体和先进个人")
    awards: list[Award] = Field(min_length=1)
    report: CoverReport
    judges: list[Text] = Field(
        default_factory=list,
        description="评审单位（可以不是方案的单位，如 市妇联、媒体代表），写入推荐报告",
    )


class Nominee(Model):
    """A nominee (推荐对象): a collective or a person, put forward by a unit."""

    id: Identifier = Field(description="推荐编号")
    award: Identifier = Field(description="表彰类别 id")
    unit: Reference = Field(description="推荐单位（编号或名称）")
    name: Text = Field(description="姓名或集体名称")
    gender: OptionalText = ""
    ethnicity: OptionalText = ""
    birth: OptionalText = Field(default="", description="出生年月，如 1985-06 或 1985.06")
    politics: OptionalText = ""
    education: OptionalText = ""
    work_start: OptionalText = Field(default="", description="参加工作时间，如 2007-07")
    position: OptionalText = Field(default="", description="工作单位及职务")
    phone: OptionalText = ""
    nature: OptionalText = ""
    head: OptionalText = ""
    staff: OptionalText = ""
    contact: OptionalText = ""
    address: OptionalText = Field(default="", description="家庭住址（家庭类）")
    family: OptionalText = Field(default="", description="家庭成员（家庭类）")
    honours: OptionalText = Field(default="", description="曾获荣誉")
    story: Text = Field(description="主要事迹")


class Nominations(Model):
    """Everything of ``nominations.yaml``."""

    nominations: list[Nominee] = Field(default_factory=list)
