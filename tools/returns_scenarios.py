"""What each bundled example's units write back in their ledgers (for make_example_returns.py).

A :class:`Scenario` is data only: the texts a unit writes per target, the figures it
reports per measure, which units lag or are still under way on which targets, who never
reports and who first sends a careless return. ``make_example_returns.py`` turns it into
the example's ``returns/`` folder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Share:
    """A figure as a share of the unit's staff, e.g. registered volunteers."""

    of_staff: float


@dataclass(frozen=True)
class OfPlan:
    """A figure as a multiple of the unit's planned figure (计划数; the target value if none)."""

    ratio: float


Figure = int | Share | OfPlan


@dataclass(frozen=True)
class Careless:
    """A unit whose first return breaks the rules and is then corrected (第一次报送 → 修改后)."""

    unit: str  # unit id
    measure: str  # the measure whose figure is first written in words
    words: str  # e.g. 六次


@dataclass(frozen=True)
class Scenario:
    folder: str  # under data/
    saved: dt.datetime  # when the first unit's Excel saved its return; each next unit later
    texts: dict[str, tuple[str, str]]  # target id -> (done, under way)
    figures: dict[str, Figure]  # measure id -> figure of most units
    unit_figures: dict[str, dict[str, Figure]] = field(default_factory=dict)  # the exceptions
    lagging: dict[str, tuple[str, ...]] = field(default_factory=dict)  # unit id -> target ids
    under_way: dict[str, tuple[str, ...]] = field(default_factory=dict)
    never_reports: tuple[str, ...] = ()
    careless: Careless | None = None
    early: str = "已组织学习并制定措施：{doing}"  # 实施情况 in the first phase
    behind: str = "受经费和人员调整影响进度滞后，{doing}"  # 实施情况 of a lagging target
    phases: tuple[str, str] = ("P1", "P2")  # (first phase, the phase being reported)
    # Targets most units had done by the end of the first phase (the rest were under way);
    # a unit lagging or under way on one of them later has gone back from 已完成.
    early_done: tuple[str, ...] = ()


JIAOZUO = Scenario(
    folder="jiaozuo2016",
    saved=dt.datetime(2016, 11, 28, 9, 30),
    texts={
        "L01a": (
            "辖区绿地内灯杆、阅报栏商业广告已全部更换为核心价值观公益广告",
            "已更换灯杆广告，阅报栏广告正在更换",
        ),
        "L01b": (
            "主要出入口均已设置核心价值观宣传栏、宣传墙",
            "部分出入口宣传栏已设置，其余正在制作",
        ),
        "L01c": ("主题公园、主题道路宣传设施已建成并投入使用", "主题道路宣传设施正在施工"),
        "L02": ("机关办公区建成核心价值观文化墙一处、黑板报两块", "文化廊设计方案已定稿，正在施工"),
        "L03": (
            "已将核心价值观学习列入年度学习计划，举办讲座和道德讲堂",
            "已举办讲座，道德讲堂按计划推进",
        ),
        "L04": (
            "文明单位创建已列入班子议事日程，按测评体系逐项落实",
            "已对照测评体系梳理差距，正在整改",
        ),
        "L05": (
            "修订岗位职责和文明服务规范，汇编规章制度",
            "岗位职责已修订，服务规范正在征求意见",
        ),
        "L06": (
            "审批事项全部实行承诺服务、限时办结和一站式办理",
            "已公布承诺时限，一站式办理正在完善",
        ),
        "L07": (
            "权力清单和行政许可流程已在局网站公布，网上审批已开通",
            "网站栏目已建成，网上审批正在调试",
        ),
        "L08": (
            "党员志愿者服务队开展绿色环保、清洁家园等公益活动",
            "志愿者注册正在进行，已开展公益活动",
        ),
        "L09": (
            "志愿者服务站已设立，创办“绿色守护”特色志愿服务",
            "服务站选址已定，特色项目正在筹划",
        ),
        "L10": (
            "职工佩戴胸牌上岗，岗位职责上墙，服务承诺公开，开展三层次评议",
            "胸牌已配发，评议活动正在组织",
        ),
        "L11": ("开展“岗位学雷锋”活动，评选岗位学雷锋标兵", "学雷锋活动已启动，标兵评选正在推进"),
        "L12": ("开展作风纪律常态化监督检查，未发现“四风”问题", "已开展自查，专项检查正在进行"),
        "L13": (
            "开展纪律明察暗访，严格执行请销假和值班带班制度",
            "已开展暗访一次，制度执行情况正在督查",
        ),
    },
    figures={
        "boards": 3,
        "lectures": 7,
        "county-level": 1,
        "city-level": 0,
        "volunteers": Share(0.34),
        "activities": 8,
    },
    unit_figures={
        "gyzz": {"volunteers": Share(0.25)},  # 公园党总支 misses the 30% target
        "mpc": {"lectures": 4},  # 苗圃场 held 4 of 6 lectures
    },
    lagging={"mpc": ("L05", "L10", "L12"), "zwy": ("L01c",), "gcc": ("L04",)},
    under_way={"lhglc": ("L01b", "L03"), "jujiguan": ("L02",), "xxzx": ("L07",)},
    never_reports=("kys",),  # 园林科学研究所
    careless=Careless("lyhgy", "lectures", "六次"),  # 龙源湖公园管理处
    early_done=("L01a", "L01c", "L02", "L06", "L11"),
)

# 云河 (fictional): reported at the end of 集中整治阶段 (30 November), when the tasks due by
# 6月底, 9月30日 and 10月31日 are overdue for whoever has not done them.
YUNHE = Scenario(
    folder="yunhe2020",
    saved=dt.datetime(2020, 11, 26, 8, 40),
    texts={
        "Y01": (
            "服务事项、办事流程、办理时限、收费标准和监督电话已在服务场所和门户网站全部公开",
            "服务场所公示栏已更新，门户网站栏目正在调整",
        ),
        "Y02": (
            "首问负责、一次告知、限时办结制度全面落实，首问登记和限时办结台账按月更新",
            "制度已印发，首问登记台账正在建立",
        ),
        "Y03": (
            "印发窗口文明服务规范，工作人员统一着装、挂牌上岗，文明用语上墙",
            "服务规范初稿已完成，正在征求窗口人员意见",
        ),
        "Y04": (
            "导引标识、休息座椅、饮水充电、母婴室和无障碍通道已全部完善",
            "导引标识已更换，母婴室和无障碍通道正在改造",
        ),
        "Y05": (
            "按年度计划开展文明礼仪和业务技能培训，窗口人员全员参训",
            "已开展礼仪培训，业务技能培训按计划推进",
        ),
        "Y06": ("组织文明服务技能竞赛，推荐“文明服务标兵”候选人", "竞赛方案已制定，初赛正在组织"),
        "Y07": (
            "学雷锋志愿服务岗已设立并常态运行，志愿者已在“志愿云河”平台注册",
            "志愿服务岗已选址，志愿者注册正在进行",
        ),
        "Y08": (
            "节假日和客流高峰期常态化开展志愿服务，时长已在平台记录",
            "已开展志愿服务，时长正在平台录入",
        ),
        "Y09": (
            "综合窗口“一窗受理”全面运行，办事平均等候时间明显缩短",
            "综合窗口已设立，后台分类审批正在磨合",
        ),
        "Y10": (
            "午间不间断、周末“不打烊”和预约办理服务已全面推行",
            "预约办理已开通，周末服务正在排班",
        ),
        "Y11": (
            "分时段预约诊疗和业务“网上办、掌上办”已全面推行",
            "预约平台已上线，结果互认和掌上办理正在推进",
        ),
        "Y12": (
            "问询、行李寄存和重点旅客帮扶服务完善，驾乘人员规范服务",
            "问询服务台已设立，重点旅客帮扶正在完善",
        ),
        "Y13": (
            "保留现金收付和人工窗口，特殊群体绿色通道已开通",
            "人工窗口已保留，绿色通道正在设置",
        ),
        "Y14": (
            "“好差评”现场和网上评价全覆盖，差评件全部回访整改",
            "评价器已安装，网上评价渠道正在对接",
        ),
        "Y15": (
            "对照文明窗口标准完成自查自评，已通过达标验收",
            "自查自评正在进行，问题清单正在整改",
        ),
        "Y16": ("每季度开展明察暗访，发现的问题已通报并督促整改", "已开展两次暗访，问题正在整改"),
    },
    figures={
        "training": OfPlan(1),
        "posts": 2,  # 35 reporting windows: 70 of 60 posts in November, 35 in April
        "volunteers": Share(0.25),
        "hours": OfPlan(1),
        "waiting": 12,
        "satisfaction": 97,
        "accepted": 1,
    },
    unit_figures={
        "smzx": {"hours": OfPlan(1.1)},  # 市民服务中心 5500 of 5000 planned hours
        "gd": {"hours": OfPlan(1.2)},  # 市轨道交通运营分公司 3600 of 3000
        "tsw": {"hours": OfPlan(1.3)},  # 团市委 1300 of 1000
        "xz": {"training": 2},  # 市中心血站 reports done with 2 of 4 trainings
        "qsx": {"waiting": 18, "accepted": 0},  # 青山县政务服务中心
        "gj3": {"accepted": 0},  # 市公交集团第三分公司
    },
    lagging={"qsx": ("Y09", "Y10", "Y15"), "gj3": ("Y04", "Y12", "Y15"), "bwg": ("Y11",)},
    under_way={
        "mt": ("Y04",),  # due 30 September
        "czc": ("Y12",),  # due 31 October
        "kyd": ("Y03",),  # due end of June
        "jtj": ("Y12",),
        "jkzx": ("Y05",),  # due at year end: under way, not overdue
    },
    never_reports=("yzyyt",),  # 市邮政分公司中心营业厅
    careless=Careless("bdc", "training", "四次"),  # 市不动产登记中心
    early="已召开动员会并制定本单位实施方案：{doing}",
    behind="受疫情防控和人员调整影响进度滞后，{doing}",
    early_done=("Y01", "Y03", "Y06", "Y13"),
)

SCENARIOS = {scenario.folder: scenario for scenario in (JIAOZUO, YUNHE)}
