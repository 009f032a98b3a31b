"""The ``plandocs`` command (命令行入口)."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from generator.collect import collect as run_collect
from generator.lint import lint_templates
from generator.model.evaluation import evaluate
from generator.model.nomination_rules import judge
from generator.model.schema import write_schemas
from generator.nomination_returns import read_nomination_returns
from generator.parallel import RenderFailed, render_many
from generator.phase1 import Job, phase1_jobs
from generator.phase2 import FOLDER as COLLECT_FOLDER
from generator.phase2 import RECORD, collect_outputs, load_record
from generator.phase3 import commendation_sentence, form_jobs, nomination_jobs, returns_outputs
from generator.plan_files import (
    PLAN_FILES,
    converted_files,
    destination,
    imported_workbook,
    plan_files,
    starter_plan,
)
from generator.problems import InputError, Problem
from generator.read.plan_import import IMPORT_OVERWRITE_HINT, import_plan, write_import
from generator.read.plan_reader import (
    AWARDS_FILE,
    is_workbook,
    plan_folder,
    plan_source,
    read_nominations,
    read_plan,
)
from generator.render.charts import INSTALL_HINT as CHART_FONT_HINT
from generator.render.charts import ChartFontError
from generator.render.docx_engine import TemplateRenderError
from generator.render.pdf import PdfError, convert, convertible, preflight
from generator.render.templates import BUNDLED as BUNDLED_TEMPLATES
from generator.render.templates import TemplateSet
from generator.render.xlsx_engine import WorkbookRenderError
from generator.summaries import chinese_font_available, summary_jobs
from generator.write.atomic import OutputError, OutputSet, write_files
from generator.write.manifest import MANIFEST, Manifest

EXIT_INPUT = 2
DEFAULT_DATA = Path("data/jiaozuo2016")
DEFAULT_OUT = Path("out")

_HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}


class ChineseFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：")

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


# click's own messages are English; these are the ones staff meet (a typo, a wrong path).
_CLICK_MESSAGES = [
    (
        r"No such option:? '?([^'.]+)'?\. \(Did you mean (?:one of: )?(.+)\?\)",
        r"没有选项 \1（是否想写 \2？）",
    ),
    (r"No such option:? '?([^'.]+)'?\.?", r"没有选项 \1"),
    (r"No such command '(.+)'\.", r"没有命令 \1"),
    (r"Missing argument '(.+)'\.", r"缺少参数 \1"),
    (r"Missing option '(.+)'\.", r"缺少选项 \1"),
    (
        r"Invalid value for '(.+?)': (?:Directory|Path|File) '(.+)' does not exist\.",
        r"\1 指定的 \2 不存在",
    ),
    (
        r"Invalid value for '(.+?)': Directory '(.+)' is a file\.",
        r"\1 指定的 \2 是一个文件，不是目录",
    ),
    (r"Invalid value for '(.+?)': File '(.+)' is a directory\.", r"\1 指定的 \2 是目录，不是文件"),
    (
        r"Invalid value for '(.+?)': '(.+)' is not a valid integer(?: range)?\.",
        r"\1 应为整数，而不是 \2",
    ),
    (r"Invalid value for '(.+?)': (.+) is not in the range (.+)\.", r"\1 的值 \2 超出范围（\3）"),
    (r"Option '(.+)' requires an argument\.", r"选项 \1 后面需要一个值"),
    (r"Got unexpected extra arguments? \((.+)\)", r"多余的参数：\1"),
]


# click 8.2+ raises this for a bare `plandocs`; older click prints the help itself.
_NO_ARGS: type[Exception] | tuple[()] = getattr(click.exceptions, "NoArgsIsHelpError", ())


def chinese_usage_error(message: str) -> str:
    for pattern, replacement in _CLICK_MESSAGES:
        translated, count = re.subn(pattern, replacement, message)
        if count:
            return translated
    return message


class ChineseGroup(click.Group):
    context_class = ChineseContext

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command; report a usage error in Chinese with exit status 2."""
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except _NO_ARGS as error:
            click.echo(error.format_message())  # plain `plandocs`: the help, not an error
            return 0
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx else "plandocs"
            click.echo(f"命令用法有误：{chinese_usage_error(error.format_message())}", err=True)
            click.echo(f"运行 {command} --help 查看用法。", err=True)
            sys.exit(EXIT_INPUT)
        except click.exceptions.Abort:
            click.echo("已取消。", err=True)
            sys.exit(1)


class ChineseCommand(click.Command):
    context_class = ChineseContext


ChineseGroup.command_class = ChineseCommand
CONTEXT = {"help_option_names": ["-h", "--help"]}

data_option = click.option(
    "--data",
    type=click.Path(path_type=Path),
    default=DEFAULT_DATA,
    show_default=True,
    help="方案数据目录（含 plan.yaml、units.yaml、ledger.yaml），或 Excel 方案工作簿（.xlsx）。",
)


out_option = click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="输出目录。",
)
templates_option = click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="本单位自己的模板目录；缺少的模板使用内置模板。",
)


pdf_option = click.option(
    "--pdf", "want_pdf", is_flag=True, help="同时把生成的文件转换为 PDF（需要 LibreOffice）。"
)
jobs_option = click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="同时运行的 LibreOffice 个数（默认每个 CPU 核一个）。",
)


def fail(problems: Sequence[Problem] | InputError) -> NoReturn:
    error = problems if isinstance(problems, InputError) else InputError(problems)
    click.echo(error.report(), err=True)
    sys.exit(EXIT_INPUT)


def load(data: Path) -> Any:
    try:
        return read_plan(data)
    except InputError as error:
        fail(error)


@click.group(name="plandocs", cls=ChineseGroup, context_settings=CONTEXT)
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def main() -> None:
    """plandocs：由一份年度活动方案生成全年所需的公文和台账。

    \b
    常用流程：
      plandocs check              检查方案数据，列出全部问题
      plandocs plan               生成第一阶段文件：方案、各单位实施方案、台账
      plandocs collect 回收目录    回收并检查各单位报回的台账
      plandocs summary --phase 2  写出阶段工作总结（最后一个阶段为年度总结）
      plandocs nominate           评选推荐：审核推荐对象，写出推荐表、汇总表和推荐报告
      plandocs pdf out/           把生成的文件转换为 PDF
      plandocs lint               检查本局修改过的 Word 模板
    
    准备方案数据：
      plandocs import 方案.docx    从已有方案（.docx/.txt）读出方案数据
      plandocs init 目录 --xlsx    写出一份示例方案（加 --xlsx 为 Excel 工作簿）
      plandocs convert 源 目标     在 YAML 方案目录和 Excel 方案工作簿之间转换
    出错时退出码为 2，且不会写出任何文件。
    """


@main.command()
@data_option
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def check(data: Path) -> None:
    """检查方案数据：一次列出所有问题（文件、行列、字段、原因和修改方法），不写出文件。"""
    plan = load(data)
    try:
        nominees = read_nominations(data, plan).nominations
    except InputError as error:
        fail(error)
    units = len(plan.organisation.units)
    click.echo(
        f"检查通过：{plan.text.title}，{units} 个单位，{len(plan.tasks)} 项任务，"
        f"{len(plan.ledger.targets)} 条台账目标，{len(nominees)} 个推荐对象"
        f"（版本 {plan.version}）。"
    )


@main.command()
@data_option
@out_option
@click.option("--unit", "unit_ref", metavar="单位", help="只生成该单位（编号或名称）的文件。")
@templates_option
@pdf_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="同时渲染文件的进程数（每个 CPU 核一个为上限；双核机器上提升有限）。",
)
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def plan(
    data: Path,
    out: Path,
    unit_ref: str | None,
    templates: Path | None,
    want_pdf: bool,
    jobs: int,
) -> None:
    """生成第一阶段文件：方案（含台账附件）、各单位实施方案和各单位台账工作簿。"""
    loaded = load(data)
    only = None
    if unit_ref:
        only = next((u for u in loaded.organisation.units if unit_ref in (u.id, u.name)), None)
        if only is None:
            fail(
                [
                    Problem(
                        plan_source(data, "units"),
                        "",
                        "--unit",
                        f"没有名为「{unit_ref}」的单位",
                        "请使用方案单位表（units.yaml 或工作簿「单位」表）中的单位编号或名称",
                    )
                ]
            )
    phase = phase1_jobs(loaded, TemplateSet(templates), only)
    written = render_all(phase.jobs, out, want_pdf, jobs)
    report(written, out)
    if phase.units_without_tasks:
        names = "、".join(u.name for u in phase.units_without_tasks)
        click.echo(f"以下单位没有承担任务，未生成实施方案和台账：{names}")


@main.command()
@click.argument("returns", type=click.Path(file_okay=False, exists=True, path_type=Path))
@data_option
@out_option
@templates_option
@pdf_option
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def collect(returns: Path, data: Path, out: Path, templates: Path | None, want_pdf: bool) -> None:
    """回收各单位报回的台账（RETURNS 目录）：逐格检查、合并、写出汇总和退回件。

    \b
    按台账内的标识（而非文件名）识别单位和方案版本；同一单位以台账内保存时间较新者为准，
    旧的报送保留可查。结果写到 输出目录/台账汇总/。有待改正的退回件时退出码为 2。
    """
    loaded = load(data)
    result = run_collect(loaded, returns, load_record(out))
    outputs = collect_outputs(loaded, result, TemplateSet(templates))
    render_all(outputs.jobs, out, want_pdf)
    click.echo(outputs.report)
    click.echo(f"结果已写到 {out / COLLECT_FOLDER}/")
    if outputs.outstanding:
        sys.exit(EXIT_INPUT)


@main.command()
@click.option(
    "--phase",
    "phase_number",
    type=click.IntRange(min=1),
    required=True,
    help="第几阶段（1、2、3……，按方案的工作步骤顺序）。",
)
@data_option
@out_option
@templates_option
@pdf_option
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def summary(
    phase_number: int, data: Path, out: Path, templates: Path | None, want_pdf: bool
) -> None:
    """写出阶段工作总结：局阶段总结（含图表和台账完成情况附件）、各报送单位的阶段总结、统计表。

    依据 plandocs collect 写出的 输出目录/台账汇总/进度记录.json；第一阶段在回收台账前也可写出。
    """
    loaded = load(data)
    phases = loaded.text.phases
    if phase_number > len(phases):
        fail(
            [
                Problem(
                    plan_source(data, "plan"),
                    "",
                    "phases",
                    f"方案只有 {len(phases)} 个阶段，没有第 {phase_number} 阶段",
                    f"请用 --phase 1 至 {len(phases)}",
                )
            ]
        )
    record = load_record(out)
    # The first phase can be summed up from what phase 1 issued; later ones need returns.
    needs_returns = record is None and phase_number > 1
    if needs_returns or (record is not None and record.plan_version != loaded.version):
        reason = "还没有回收台账" if record is None else "回收的台账属于旧版方案"
        fail(
            [
                Problem(
                    out / RECORD,
                    "",
                    "",
                    f"{reason}，无法统计",
                    "请先运行 plandocs collect 回收各单位台账",
                )
            ]
        )
    # The last phase's summary is the year's: each line's latest report counts.
    year_end = phase_number == len(phases)
    result = evaluate(loaded, record, phases[phase_number - 1], cumulative=year_end)
    commendations = ""
    if year_end and loaded.awards is not None:
        verdicts = judge(loaded, read_nominations(data, loaded).nominations, result)
        commendations = commendation_sentence(loaded, verdicts)
    if result.reported and not chinese_font_available():
        click.echo(f"提示：{CHART_FONT_HINT}；本次阶段总结不含图表。", err=True)
    jobs = summary_jobs(loaded, result, TemplateSet(templates), year_end, commendations)
    written = render_all(jobs, out, want_pdf)
    report(written, out)
    click.echo(
        f"{'全年' if year_end else result.phase.name}：台账共列 {len(result.targets)} 项，"
        f"已完成 {result.counts['已完成']} 项，完成率 {result.rate * 100:.1f}%。"
    )


@main.command()
@data_option
@out_option
@templates_option
@click.option("--forms", is_flag=True, help="只写出发给各单位填写的推荐表格（.xlsx）。")
@click.option(
    "--returns",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="各单位报回的推荐表格所在目录（与 nominations.yaml 合并）。",
)
@pdf_option
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def nominate(
    data: Path,
    out: Path,
    templates: Path | None,
    forms: bool,
    returns: Path | None,
    want_pdf: bool,
) -> None:
    """评选推荐：审核推荐对象，写出推荐表、推荐汇总表和推荐报告。

    \b
    推荐条件在 awards.yaml 中设定，推荐对象来自 nominations.yaml 和 --returns 目录中
    报回的推荐表格；先进集体的台账完成率等条件依据 plandocs collect 的回收结果。
    结果写到 输出目录/评选推荐/，未通过审核的推荐对象及原因见 审核结果.txt。
    有退回的推荐表格时退出码为 2。
    """
    loaded = load(data)
    if loaded.awards is None:
        hint = "请参照示例在方案目录中添加 awards.yaml"
        missing = plan_folder(data) / AWARDS_FILE
        fail([Problem(missing, "", "", "没有 awards.yaml，未设定表彰类别", hint)])
    chosen = TemplateSet(templates)
    if forms:
        report(render_all(form_jobs(loaded, chosen), out, want_pdf), out)
        return
    try:
        nominees = read_nominations(data, loaded).nominations
    except InputError as error:
        fail(error)
    extra_jobs: list[Job] = []
    notes: list[str] = []
    if returns is not None:
        extra_jobs, returned, notes = returns_outputs(
            loaded, read_nomination_returns(loaded, returns)
        )
        nominees = [*nominees, *returned]
    record = load_record(out)
    if record is None or record.plan_version != loaded.version:
        message = "还没有回收本版方案的台账，无法核实各单位台账完成情况"
        hint = "请先运行 plandocs collect 回收各单位台账"
        fail([Problem(out / RECORD, "", "", message, hint)])
    year = evaluate(loaded, record, loaded.text.phases[-1], cumulative=True)
    jobs, _, results = nomination_jobs(loaded, nominees, year, chosen)
    written = render_all([*extra_jobs, *jobs], out, want_pdf)
    report(written, out)
    click.echo(results)
    if notes:
        click.echo("推荐表格回收情况：\n" + "\n".join(notes))
    if any(line.startswith("  退回") for line in notes):
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@jobs_option
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def pdf(paths: tuple[Path, ...], jobs: int | None) -> None:
    """把生成的 Word/Excel 文件转换为 PDF，放在原文件旁边（默认转换 out/ 下全部文件）。

    \b
    使用 LibreOffice；本机没有公文字体时，仅为 LibreOffice 配置相近的免费字体
    （仿宋、宋体→Noto Serif CJK SC，黑体→Noto Sans CJK SC，楷体→AR PL UKai CN），
    文件中的字体名不变。回收的原件（原件/）不转换。
    """
    sources = convertible(list(paths) or [DEFAULT_OUT], skip=("原件",))
    convert_to_pdf(sources, jobs)


def convert_to_pdf(sources: list[Path], jobs: int | None = None) -> None:
    """Convert with a progress bar; name every document LibreOffice could not convert."""
    try:
        preflight()
        with click.progressbar(length=len(sources), label="正在转换 PDF", file=sys.stderr) as bar:
            result = convert(sources, jobs, bar.update)
    except PdfError as error:
        click.echo(f"{error}（未写出任何 PDF）", err=True)
        sys.exit(EXIT_INPUT)
    click.echo(f"已转换 {len(result.written)} 个 PDF。")
    for source, reason in result.failed:
        click.echo(f"转换失败：{source}：{reason}", err=True)
    if result.failed:
        sys.exit(EXIT_INPUT)


def render_all(
    jobs: list[Job], out: Path, want_pdf: bool = False, workers: int | None = None
) -> list[Path]:
    """Render every job in memory (with a progress bar), then write them all atomically.

    With ``want_pdf`` LibreOffice and the fonts are checked first, so a missing one
    stops the run before anything is written; the PDFs follow the documents.
    """
    if want_pdf:
        try:
            preflight()
        except PdfError as error:
            click.echo(f"{error}（未写出任何文件）", err=True)
            sys.exit(EXIT_INPUT)
    outputs = OutputSet(out)
    manifest = Manifest(out)
    unchanged = [j.path for j in jobs if j.inputs and manifest.unchanged(j.path, j.inputs)]
    pending = [j for j in jobs if j.path not in set(unchanged)]
    try:
        with click.progressbar(
            render_many(pending, workers or 1),
            length=len(pending),
            label="正在生成",
            item_show_func=_done_label,
            file=sys.stderr,
        ) as bar:
            for job, data in bar:
                outputs.add(job.path, data)
                if job.inputs:
                    manifest.record(job.path, job.inputs, data)
    except (TemplateRenderError, WorkbookRenderError, ChartFontError, RenderFailed) as error:
        click.echo(f"生成失败，未写出任何文件：{error}", err=True)
        sys.exit(EXIT_INPUT)
    if unchanged:
        click.echo(f"{len(unchanged)} 个文件的输入未改动，保留原文件未重写。")
    if not outputs.files:
        return []
    outputs.add(MANIFEST, manifest.to_bytes())
    try:
        written = outputs.commit()[:-1]  # the manifest is bookkeeping, not a document
    except OutputError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_INPUT)
    if want_pdf:
        convert_to_pdf(convertible(written, skip=("原件",)))
    return written


def _done_label(item: tuple[Job, bytes] | None) -> str:
    return item[0].label if item else ""


def report(written: list[Path], out: Path) -> None:
    click.echo(f"已生成 {len(written)} 个文件，位于 {out}/：")
    for path in written:
        click.echo(f"  {path.relative_to(out)}")


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/schema"),
    show_default=True,
    help="JSON Schema 输出目录。",
)
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def schema(out: Path) -> None:
    """写出方案数据的 JSON Schema（编辑器据此补全和检查 YAML）。"""
    for path in write_schemas(out):
        click.echo(f"已写出 {path}")


@main.command()
@click.argument(
    "templates_dir",
    metavar="[模板目录]",
    required=False,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
)
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def lint(templates_dir: Path | None) -> None:
    """检查 Word 模板（默认检查内置模板 templates/），一次列出全部问题及其位置。

    \b
    错误：Jinja 语法有误（标记未闭合、被 Word 拆到两段、{{ x } 之类的笔误）、
          危险内容（DDE、INCLUDETEXT 等域，外部模板，宏，嵌入对象）、
          模板用到而数据中没有的变量、用示例数据试生成时出的错。
    警告：数据中有而模板没有用到的变量、不认识的模板文件名。
    位置写作“正文第 3 段”“正文表格 1 第 2 行第 3 列”“页脚（footer1.xml）第 1 段”。
    有错误时退出码为 2，只有警告时为 0。不写出任何文件。
    """
    try:
        found = lint_templates(templates_dir or BUNDLED_TEMPLATES)
    except InputError as error:
        fail(error)
    click.echo(found.text())
    if found.errors:
        sys.exit(EXIT_INPUT)


@main.command(name="import")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="写出方案数据的目录（默认 data/源文件名）；以 .xlsx 结尾则写出 Excel 方案工作簿。",
)
@click.option("--force", is_flag=True, help="覆盖目录中已有的 plan.yaml 等文件。")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def import_plan_command(source: Path, out: Path | None, force: bool) -> None:
    """导入已有的方案（SOURCE 为 .docx 或 .txt），读成方案数据，免去重新录入。

    \b
    按 一、（一）1.（1）① 编号读出各部分和条目；责任单位可写在 责任单位/主责单位/牵头单位/
    配合单位 行（单位间可用 、，或空格分隔），也可写在句中（由……牵头，……配合）；
    读出 ……阶段（5月份） 工作步骤、主题/时间/地点（空白照原样保留）、第一组（4个）名单、
    印发通知（主送、落款、抄送、印发）和整份方案就是一张分工表的情形。
    写出 plan.yaml、units.yaml、ledger.yaml 和 导入说明.txt：原文每一行要么导入，要么在
    导入说明中写明行号和原因；推断的内容请核对，待填写的内容 plandocs check 会逐处列出。
    --out 以 .xlsx 结尾时写出 Excel 方案工作簿，可在 Excel 中补全。
    已有文件时不覆盖，除非加 --force。
    """
    folder = out if out is not None else Path("data") / source.stem
    try:
        if is_workbook(folder):  # --out 方案/plan.xlsx: a workbook to finish in Excel
            imported = import_plan(source, folder.parent)
            if not imported.complete:
                write_import(imported, force)  # raises with the source's problems
            files = imported_workbook(imported, folder)
            folder = folder.parent
            written = write_files(folder, files, force, PLAN_FILES, IMPORT_OVERWRITE_HINT)
        else:
            imported = import_plan(source, folder)
            written = write_import(imported, force)
    except InputError as error:
        fail(error)
    except OutputError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_INPUT)
    click.echo(imported.report())
    report(written, folder)


@main.command()
@click.argument(
    "folder",
    metavar="[目录]",
    required=False,
    default=Path("."),
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--xlsx", "workbook", is_flag=True, help="写出 Excel 方案工作簿 plan.xlsx，而不是 YAML 文件。"
)
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def init(folder: Path, workbook: bool) -> None:
    """在目录（默认当前目录）中写出一份示例方案，照着改写即可。

    \b
    默认写出 plan.yaml、units.yaml、ledger.yaml；加 --xlsx 则写出一个 Excel 方案工作簿
    plan.xlsx（各工作表带表头、下拉选项和示例行，说明 工作表解释每一列）。
    目录中已有方案文件时不写出任何文件（退出码 2）。
    """
    files = plan_files(*starter_plan(), workbook=workbook)
    hint = "init 不会覆盖已有的方案；请换一个目录，或先移走这些文件"
    written = write_plan_files(folder, files, guard=PLAN_FILES, hint=hint)
    report(written, folder)
    data = folder / "plan.xlsx" if workbook else folder
    click.echo(f"填写后运行 plandocs check --data {data} 检查。")


@main.command(name="convert")
@click.argument("source", metavar="源", type=click.Path(exists=True, path_type=Path))
@click.argument("dest", metavar="目标", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="覆盖目标处已有的文件。")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def convert_plan(source: Path, dest: Path, force: bool) -> None:
    """在 YAML 方案目录和 Excel 方案工作簿之间转换。

    \b
    目标以 .xlsx 结尾时写出方案工作簿，否则在目标目录中写出 plan.yaml 等 YAML 文件。
    源先经过与 plandocs check 相同的检查，有问题时列出全部问题、不写出任何文件（退出码 2）。
    awards.yaml 和 nominations.yaml 随方案一并复制；returns/ 不复制。
    目标处已有文件时不覆盖，除非加 --force。例如：
      plandocs convert data/jiaozuo2016 方案/plan.xlsx
      plandocs convert 方案/plan.xlsx data/新方案
    """
    try:
        # An unfinished plan (an import with 待填写 left) converts, to be finished in Excel.
        loaded = read_plan(source, unfinished=True)
        read_nominations(source, loaded)
    except InputError as error:
        fail(error)
    folder, _ = destination(dest)
    files = converted_files(source, dest, loaded.text, loaded.organisation, loaded.ledger)
    report(write_plan_files(folder, files, force=force), folder)
    if not is_workbook(dest) and (folder / "plan.xlsx").exists():
        click.echo(f"提示：{folder} 中还有 plan.xlsx；运行时请用 --data 指定工作簿或先移走它。")


def write_plan_files(folder: Path, files: dict[str, bytes], **options: Any) -> list[Path]:
    try:
        return write_files(folder, files, **options)
    except InputError as error:
        fail(error)
    except OutputError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_INPUT)
