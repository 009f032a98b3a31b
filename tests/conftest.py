"""Shared test helpers: LibreOffice PDF conversion with the GB/T font stand-ins."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.write import pdf


def find_soffice() -> str:
    """soffice; skip without it or the fonts -- or fail, where CI demands them."""
    try:
        pdf.preflight()
        return pdf.find_soffice()
    except pdf.PdfError as error:
        reason = f"跳过 PDF 转换检查：{error}"
        if os.environ.get("PLANDOCS_REQUIRE_SOFFICE"):
            pytest.fail(reason)
        pytest.skip(reason)


def convert_many(paths: list[Path], outdir: Path) -> list[Path]:
    """Convert copies of ``paths`` in ``outdir`` with the product's batched conversion."""
    find_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    # Distinct names: two inputs of one name would overwrite each other's PDF.
    staged = []
    for n, path in enumerate(paths):
        copy = outdir / f"{n:04d}{Path(path).suffix}"
        shutil.copyfile(path, copy)
        staged.append(copy)
    result = pdf.convert(staged)
    if result.failed:
        raise AssertionError(f"LibreOffice 未能转换：{result.failed}")
    return [copy.with_suffix(".pdf") for copy in staged]


def convert_to_pdf(path: Path, outdir: Path | None = None) -> Path:
    """Convert one .docx/.xlsx to ``<outdir>/<stem>.pdf``; skip if LibreOffice is missing."""
    path = Path(path)
    outdir = Path(outdir) if outdir is not None else path.parent
    with tempfile.TemporaryDirectory(prefix="plandocs-pdf-") as work:
        (pdf,) = convert_many([path], Path(work))
        target = outdir / f"{path.stem}.pdf"
        shutil.move(pdf, target)
    return target


@pytest.fixture(name="convert_to_pdf")
def convert_to_pdf_fixture() -> Callable[..., Path]:
    """The ``convert_to_pdf`` function as a fixture, for tests that prefer injection."""
    return convert_to_pdf


# --- sample template contexts ----------------------------------------------------------------


def _block(level: int, number: str = "", heading: str = "", text: str = "") -> dict[str, object]:
    return {"level": level, "number": number, "heading": heading, "text": text}


@pytest.fixture
def plan_context() -> dict[str, object]:
    """A realistic context for templates/plan.docx: every block level, a 2-group ledger."""
    title = "焦作市园林局2016年文明服务活动\n实施方案"
    ledger_title = "焦作市园林局2016年文明服务活动工作台账"
    return {
        "notice": None,  # no issuing notice (印发通知); see test_templates_gbt9704.with_notice
        "title": title,
        "addressee": "局属各单位、机关各科室：",
        "blocks": [
            _block(
                0,
                text="为深入贯彻落实市委、市政府关于文明城市创建的部署，结合我局实际，制定本方案。",
            ),
            _block(1, "一、", "指导思想"),
            _block(0, text="以提升服务质量为核心，以群众满意为标准，推动R&D <x>成果转化。"),
            _block(1, "二、", "主要任务"),
            _block(2, "（一）", "加强组织领导。", "成立活动领导小组，局长任组长。"),
            _block(3, "1.", "明确责任分工。", "各单位主要负责人为第一责任人。"),
            _block(4, "（1）", "", "制定本单位实施方案并报局办公室备案。"),
            _block(2, "（二）", "强化宣传引导。", "利用公园广场、电子屏等开展宣传。"),
            _block(1, "三、", "工作要求"),
            _block(0, text="各单位要高度重视，确保活动取得实效。"),
        ],
        "attachments": [{"label": "附件", "title": ledger_title}],
        "signature": "焦作市园林局",
        "date": "2016年6月7日",
        "ledger": {
            "title": ledger_title,
            "groups": [
                {
                    "project": "文明服务窗口创建",
                    "rows": [
                        {
                            "seq": "1",
                            "content": ["公示服务承诺", "设置意见箱"],
                            "responsible": "局办公室",
                            "status": "",
                        },
                        {
                            "seq": "2",
                            "content": ["开展文明礼仪培训不少于6次"],
                            "responsible": "局人事科",
                            "status": "正在推进",
                        },
                    ],
                },
                {
                    "project": "志愿服务活动",
                    "rows": [
                        {
                            "seq": "3",
                            "content": ["注册志愿者占职工总数的30%以上"],
                            "responsible": "局团委",
                            "status": "已完成",
                        }
                    ],
                },
            ],
        },
    }


@pytest.fixture
def unit_plan_context() -> dict[str, object]:
    """A realistic context for templates/unit_plan.docx."""
    return {
        "title": "局法制科2016年文明服务活动实施方案",
        "plan_title": "焦作市园林局2016年文明服务活动实施方案",
        "unit_name": "局法制科",
        "year": "2016",
        "task_blocks": [
            _block(2, "（一）", "规范执法服务。", "公开执法依据和程序。"),
            _block(3, "1.", "", "每季度开展一次案卷评查。"),
            _block(4, "（1）", "", "评查结果在科务会上通报。"),
        ],
        "phase_blocks": [
            _block(2, "（一）", "宣传教育阶段（5月份）。", "组织学习活动方案。"),
            _block(2, "（二）", "集中提升行动阶段（6至11月份）。", "落实各项任务。"),
        ],
        "requirement_blocks": [
            _block(0, text="全科人员要提高认识，R&D <x>，确保各项任务落到实处。")
        ],
        "signature": "局法制科",
        "date": "2016年5月20日",
    }


@pytest.fixture
def summary_context() -> dict[str, object]:
    """A realistic context for templates/summary.docx (阶段工作总结), without charts.

    Tests that want a chart add ``{"picture": Picture, "caption": str}`` to ``charts``
    (drawing one needs matplotlib and a CJK font).
    """
    ledger_title = "焦作市园林局文明服务创建工作台账完成情况"
    columns = ["序号", "创建项目", "具体目标内容", "责任单位", "完成情况", "完成率"]
    rows = [
        ["1", "文明服务窗口创建", "公示服务承诺，设置意见箱", "局办公室", "已完成", "100.0%"],
        ["2", "文明服务窗口创建", "开展文明礼仪培训不少于6次", "局人事科", "正在推进", "4/6 次"],
        ["3", "志愿服务活动", "注册志愿者占职工总数的30%以上", "局团委", "已完成", "32.5%"],
        [
            "4",
            "志愿服务活动",
            "每月开展一次绿色环保志愿服务，R&D <x>",
            "焦作市人民公园管理处、焦作市龙源湖公园管理处",
            "滞后",
            "3/6 次",
        ],
    ]
    return {
        "title": "焦作市园林局2016年文明服务活动\n第一阶段工作总结",
        "addressee": "市文明办：",
        "blocks": [
            _block(
                0,
                text="根据《焦作市园林局2016年文明服务活动实施方案》要求，我局于5月至9月"
                "组织开展了第一阶段文明服务活动。现将第一阶段工作情况总结如下：",
            ),
            _block(1, "一、", "基本情况"),
            _block(
                0,
                text="我局成立了以局长为组长的活动领导小组，召开动员会1次，制定实施方案14份。"
                "台账共列55项任务，已完成44项，完成率80.0%；正在推进8项；滞后3项。",
            ),
            _block(1, "二、", "主要做法和成效"),
            _block(2, "（一）", "加强组织领导。", "各单位主要负责人为第一责任人，层层落实责任。"),
            _block(2, "（二）", "强化宣传引导。", "利用公园广场电子屏、宣传栏开展宣传32次。"),
            _block(3, "1.", "开展文明礼仪培训。", "举办培训4次，参训职工310人次。"),
            _block(1, "三、", "存在的问题"),
            _block(0, text="个别单位重视不够，志愿服务活动开展不经常，R&D <x>，3项任务滞后。"),
            _block(1, "四、", "下一步工作打算"),
            _block(0, text="按照方案第二阶段安排，集中开展提升行动，确保各项任务按期完成。"),
        ],
        "charts": [],
        "blocks_after_charts": [],
        "tables": [],
        "attachments": [{"label": "附件", "title": ledger_title}],
        "signature": "焦作市园林局",
        "date": "2016年9月30日",
        "ledger": {
            "title": ledger_title,
            "columns": columns,
            "rows": [{"cells": cells} for cells in rows],
        },
    }


# --- nomination forms (推荐表) -----------------------------------------------------------------


def _fields(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "value": value} for label, value in pairs]


def _opinions(first_note: str = "") -> list[dict[str, str]]:
    """所在单位意见 (with ``first_note``), 主管部门意见, 审批意见."""
    notes = (first_note, "", "")
    labels = ("所在单位意见", "主管部门意见", "审批意见")
    return [{"label": label, "note": note} for label, note in zip(labels, notes, strict=True)]


@pytest.fixture
def individual_nomination_context() -> dict[str, object]:
    """templates/nomination_individual.docx: nine fields, three opinions, a short story."""
    return {
        "award": "先进个人",
        "title": "2016年度文明服务先进个人推荐表",
        "form_no": "编号：N03",
        "fields": _fields(
            ("姓名", "李秀芳"),
            ("性别", "女"),
            ("民族", "汉族"),
            ("出生年月", "1985年6月"),
            ("政治面貌", "中共党员"),
            ("学历", "大学本科"),
            ("参加工作时间", "2007年7月"),
            ("联系电话", "0391-3568123"),
            ("工作单位及职务", "焦作市人民公园管理处园艺科科长"),
        ),
        "honours": "2014年度焦作市园林局优秀共产党员\n2015年度焦作市“三八红旗手”",
        "story": (
            "李秀芳同志2007年参加工作以来，始终坚守园林绿化一线，爱岗敬业，任劳任怨。"
            "担任园艺科科长后，她带领全科职工精心养护公园花木，全年完成绿地养护12万平方米，"
            "补植苗木3000余株。\n"
            "她牵头推出花卉认养、游园咨询等便民服务，设立学雷锋志愿服务岗，组织职工志愿服务"
            "40余次，公园游客满意率由90%提升到98%，多次受到市民群众的书面表扬。"
        ),
        "opinions": _opinions("同意推荐。"),
    }


@pytest.fixture
def collective_nomination_context() -> dict[str, object]:
    """templates/nomination_collective.docx: seven fields (the last spans), three opinions."""
    return {
        "award": "先进集体",
        "title": "2016年度文明服务先进集体推荐表",
        "form_no": "编号：J01",
        "fields": _fields(
            ("单位名称", "焦作市人民公园管理处"),
            ("单位性质", "全额事业单位"),
            ("负责人", "王建国"),
            ("职工人数", "86人"),
            ("联系人", "张丽"),
            ("联系电话", "0391-3568000"),
            ("地址", "焦作市解放中路123号"),
        ),
        "honours": "2015年度焦作市文明单位",
        "story": (
            "焦作市人民公园管理处以创建文明服务窗口为抓手，公示服务承诺，设置意见箱和服务"
            "监督电话，推行首问负责、一次告知制度，全年接待游客120余万人次，无一起有效投诉。\n"
            "管理处组建职工志愿服务队，常态化开展游园引导、文明劝导和绿色环保志愿服务，"
            "开展文明礼仪培训6次，职工参训率100%，树立了园林窗口单位的良好形象。"
        ),
        "opinions": _opinions(),
    }


@pytest.fixture
def beijing(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """This process in China's time zone, as a bureau's and its units' machines are (not UTC)."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
