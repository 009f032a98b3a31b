"""The ``plandocs`` command (命令行入口)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from generator import cli_text
from generator.pipeline.plan_guard import (
    OVERRIDE,
    output_problems,
    returns_problems,
)
from generator.problems import InputError, Problem
from generator.resources import SCHEMAS, examples

if TYPE_CHECKING:
    from generator.model.resolved import Plan
    from generator.pipeline.jobs import Job
    from generator.write.store import RecordStore, StoreError

# Start-up: `plandocs --help` must not pay for matplotlib, docxtpl, openpyxl, pydantic or
# the render engines, nor `plandocs check` for the engines, so each command imports what it
# uses when it runs (tests/test_startup.py proves it).
EXIT_INPUT = 2
EXIT_UNFINISHED = 3  # the documents were written, but a step asked for (PDF) did not finish
DEFAULT_OUT = Path("out")
PDF_UNFINISHED = "plandocs.pdf_unfinished"  # click context meta key

cli_text.install()  # click's own messages, placeholders and defaults in Chinese


# click 8.2+ raises this for a bare `plandocs`; older click prints the help itself.
_NO_ARGS: type[Exception] | tuple[()] = getattr(click.exceptions, "NoArgsIsHelpError", ())


def never_crash_on_output() -> None:
    """A console that cannot show a character (GBK and 𠮷) gets a ``?``, not a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_TOKENS = re.compile(r"[\x21-\x7e]+|\s+|.")  # a run of ASCII stays whole; CJK breaks anywhere
_NO_LINE_START = set("，。、；：？！）》」』”’")


def wrap_columns(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns (a closing mark may overhang)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _TOKENS.findall(" ".join(paragraph.split())):
            fits = display_width(line + token) <= width or token[0] in _NO_LINE_START
            if fits or not line.strip():
                line += token
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
        lines.append(line.rstrip())
    return lines


class ChineseFormatter(click.HelpFormatter):
    """Chinese punctuation where click adds its own, and columns measured as displayed."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        """click's option/command table, aligned by display width (click counts characters)."""
        rows = list(rows)
        first = min(max((display_width(term) for term, _ in rows), default=0), col_max)
        indent = " " * self.current_indent
        text_width = max(self.width - first - col_spacing - self.current_indent, 20)
        for term, text in rows:
            self.write(f"{indent}{term}")
            gap = first + col_spacing - display_width(term)
            lines = wrap_columns(text, text_width) if text else []
            if not lines:
                self.write("\n")
                continue
            if gap < col_spacing:
                self.write("\n" + " " * (first + col_spacing + self.current_indent))
            else:
                self.write(" " * gap)
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{indent}{' ' * (first + col_spacing)}{line}\n")


class AtLeast(click.IntRange):
    """An integer of at least ``minimum``, described in Chinese in the help and errors."""

    def __init__(self, minimum: int) -> None:
        super().__init__(min=minimum)

    def _describe_range(self) -> str:
        return f"不小于 {self.min}"


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


class ChineseGroup(click.Group):
    context_class = ChineseContext
    subcommand_metavar = "命令 [参数]..."

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", self.subcommand_metavar)
        super().__init__(*args, **kwargs)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command; report a usage error in Chinese with exit status 2."""
        never_crash_on_output()
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except _NO_ARGS as error:
            # plain `plandocs`: the help, not an error
            click.echo(error.format_message())  # type: ignore[attr-defined]
            return 0
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx else "plandocs"
            click.echo(f"命令用法有误：{error.format_message()}", err=True)
            click.echo(f"运行 {command} --help 查看用法。", err=True)
            sys.exit(EXIT_INPUT)
        except (click.exceptions.Abort, KeyboardInterrupt) as error:
            if isinstance(error, KeyboardInterrupt) or isinstance(
                error.__cause__,
                KeyboardInterrupt,  # how click passes Ctrl-C on
            ):
                # The commit either finished or left the old files; nothing is half-written.
                click.echo(
                    "已中断（输出目录中的文件保持完整：要么全部更新，要么仍是原来的）。", err=True
                )
                sys.exit(130)
            click.echo("已取消。", err=True)
            sys.exit(1)


class ChineseCommand(click.Command):
    context_class = ChineseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


ChineseGroup.command_class = ChineseCommand
CONTEXT = {"help_option_names": ["-h", "--help"]}

NO_PLAN_HINT = (
    "请在方案所在目录中运行，或用 --data 指定方案目录或 Excel 方案工作簿；"
    "要先试用内置示例，运行 plandocs init 示例方案 --example jiaozuo2016，"
    "再 cd 示例方案 后运行本命令"
)


def plan_here(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    """``--data`` absent: the plan in the current folder, never a bundled example."""
    if value is not None:
        return value
    here = Path(".")
    if (here / "plan.yaml").is_file() or (here / "plan.xlsx").is_file():
        return here
    message = "没有指定 --data，当前目录中也没有方案数据（plan.yaml 或 plan.xlsx）"
    fail([Problem(Path.cwd(), "", "--data", message, NO_PLAN_HINT)])


data_option = click.option(
    "--data",
    metavar="方案",
    type=click.Path(path_type=Path),
    default=None,
    callback=plan_here,
    help="方案数据目录（含 plan.yaml、units.yaml、ledger.yaml），或 Excel 方案工作簿（.xlsx）。"
    "不写时使用当前目录中的方案。",
)


out_option = click.option(
    "--out",
    metavar="目录",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="输出目录。",
)
other_plan_option = click.option(
    OVERRIDE,
    "other_plan",
    is_flag=True,
    help="输出目录（或回收目录）中是另一份方案的文件时，仍然继续（默认拒绝）。",
)
list_option = click.option(
    "--list", "list_files", is_flag=True, help="列出写出的每个文件（默认只列各目录的文件数）。"
)
templates_option = click.option(
    "--templates",
    metavar="目录",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="本单位自己的模板目录；缺少的模板使用内置模板。",
)


pdf_option = click.option(
    "--pdf", "want_pdf", is_flag=True, help="同时把生成的文件转换为 PDF（需要 LibreOffice）。"
)
jobs_option = click.option(
    "--jobs",
    metavar="个数",
    type=AtLeast(1),
    default=None,
    help="同时运行的 LibreOffice 个数（默认每个 CPU 核一个）。",
)


@dataclass(frozen=True)
class RunOptions:
    """The options every generating command shares, declared once (:func:`run_options`)."""

    data: Path
    out: Path
    templates: Path | None
    want_pdf: bool
    other_plan: bool
    list_files: bool

    @property
    def args(self) -> str:
        """The --data/--out part of a suggested next command."""
        return data_args(self.data, self.out)


def run_options(command: Callable[..., None]) -> Callable[..., None]:
    """--data --out --templates --pdf --other-plan --list, passed on as one ``run``."""

    @functools.wraps(command)
    def with_run(
        *args: Any,
        data: Path,
        out: Path,
        templates: Path | None,
        want_pdf: bool,
        other_plan: bool,
        list_files: bool,
        **kwargs: Any,
    ) -> None:
        run = RunOptions(data, out, templates, want_pdf, other_plan, list_files)
        command(*args, run=run, **kwargs)

    shared = (data_option, out_option, templates_option, pdf_option, other_plan_option)
    decorated: Callable[..., None] = with_run
    for option in reversed((*shared, list_option)):
        decorated = option(decorated)
    return decorated


def fail(problems: Sequence[Problem] | InputError) -> NoReturn:
    error = problems if isinstance(problems, InputError) else InputError(problems)
    click.echo(error.report(), err=True)
    sys.exit(EXIT_INPUT)


def load(data: Path) -> Any:
    from generator.read.plan_reader import read_plan

    try:
        return read_plan(data)
    except InputError as error:
        fail(error)


def installed_version() -> str:
    # importlib.metadata costs a tenth of the start-up: only `--version` pays for it.
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("plandocs")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "（未安装）"


def show_version(context: click.Context, _option: click.Parameter, asked: bool) -> None:
    if asked and not context.resilient_parsing:
        click.echo(f"plandocs {installed_version()}")
        context.exit()


@click.group(name="plandocs", cls=ChineseGroup, context_settings=CONTEXT)
@click.option(
    "-V",
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=show_version,
    help="显示版本号并退出。",
)
@click.help_option("-h", "--help")
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
      plandocs init 目录 --xlsx    写出一份空白示例方案（加 --xlsx 为 Excel 工作簿）
      plandocs init 目录 --example jiaozuo2016   复制一个内置示例（含回收台账）
      plandocs init 目录 --templates  复制内置模板，供本局修改
      plandocs convert 源 目标     在 YAML 方案目录和 Excel 方案工作簿之间转换
    不写 --data 时使用当前目录中的方案。出错时退出码为 2，且不会写出任何文件；
    文件已写出但 PDF 未能转换时退出码为 3。
    """


@main.result_callback()
def finish(*_: Any, **__: Any) -> None:
    """A step the user asked for (PDF) that did not finish makes the exit status non-zero."""
    if click.get_current_context().meta.get(PDF_UNFINISHED):
        sys.exit(EXIT_UNFINISHED)


@main.command()
@data_option
def check(data: Path) -> None:
    """检查方案数据：一次列出所有问题（文件、行列、字段、原因和修改方法），不写出文件。"""
    from generator.model.checks import missing_short_names
    from generator.read.plan_reader import read_nominations

    plan = load(data)
    try:
        nominees = read_nominations(data, plan).nominations
    except InputError as error:
        fail(error)
    units = len(plan.organisation.units)
    missing = missing_short_names(plan.ledger)
    if missing:
        click.echo(f"提示：{len(missing)} 条台账目标没有简称（short），总结和图表将暂用：")
        for target, proposed in missing:
            click.echo(f"  {target.id}：{proposed}")
        click.echo(
            "  可把这些简称写入 ledger.yaml（或方案工作簿「台账目标」表的「简称」列）后修改。"
        )
    click.echo(
        f"检查通过：{plan.text.title}，{units} 个单位，{len(plan.tasks)} 项任务，"
        f"{len(plan.ledger.targets)} 条台账目标，{len(nominees)} 个推荐对象"
        f"（版本 {plan.version}）。"
    )


@main.command()
@run_options
@click.option("--unit", "unit_ref", metavar="单位", help="只生成该单位（编号或名称）的文件。")
@click.option(
    "--jobs",
    metavar="个数",
    type=AtLeast(1),
    default=None,
    help="同时渲染文件的进程数（每个 CPU 核一个为上限；默认：文件多时用两个，否则一个）。",
)
def plan(
    unit_ref: str | None,
    jobs: int | None,
    run: RunOptions,
) -> None:
    """生成第一阶段文件：方案（含台账附件）、各单位实施方案和各单位台账工作簿。"""
    from generator.pipeline.steps import issue
    from generator.read.plan_reader import plan_source
    from generator.render.templates import TemplateSet

    loaded = load(run.data)
    guard_output(loaded, run.out, run.other_plan)
    only = None
    if unit_ref:
        only = next((u for u in loaded.organisation.units if unit_ref in (u.id, u.name)), None)
        if only is None:
            fail(
                [
                    Problem(
                        plan_source(run.data, "units"),
                        "",
                        "--unit",
                        f"没有名为「{unit_ref}」的单位",
                        "请使用方案单位表（units.yaml 或工作簿「单位」表）中的单位编号或名称",
                    )
                ]
            )
    phase = issue(loaded, TemplateSet(run.templates), only)
    written = render_all(phase.jobs, run.out, loaded, run.want_pdf, jobs)
    report(written, run.out, run.list_files)
    if phase.units_without_tasks:
        names = "、".join(u.name for u in phase.units_without_tasks)
        click.echo(f"以下单位没有承担任务，未生成实施方案和台账：{names}")
    next_step(
        "把 各单位 目录中各单位的工作台账（.xlsx）发给各单位填写；收回后放在一个目录中，运行 "
        f"plandocs collect 回收目录 {run.args}".rstrip()
    )


@main.command()
@run_options
@click.argument(
    "returns",
    metavar="回收目录",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
)
def collect(
    returns: Path,
    run: RunOptions,
) -> None:
    """回收各单位报回的台账（回收目录）：逐格检查、合并、写出汇总和退回件。

    \b
    按台账内的标识（而非文件名）识别单位和方案版本；同一单位以台账内保存时间较新者为准，
    旧的报送保留可查。结果写到 输出目录/台账汇总/。有待改正的退回件时退出码为 2。
    """
    from generator.intake.collect import collect as run_collect
    from generator.intake.record import FOLDER as COLLECT_FOLDER
    from generator.intake.record import keep_hand_edits
    from generator.pipeline.steps import collected
    from generator.render.templates import TemplateSet

    loaded = load(run.data)
    guard_output(loaded, run.out, run.other_plan)
    if not run.other_plan and (foreign := returns_problems(loaded, returns)):
        fail(foreign)
    refuse_out_inside(returns, run.out)
    with record_store(run.out) as store:
        edited = keep_hand_edits(run.out, store)
        if edited:
            click.echo(f"提示：{edited}", err=True)
        click.echo(f"正在检查 {returns} 中报回的台账", err=True)  # one line per stage
        result = run_collect(loaded, returns, store)
        outputs = collected(loaded, result, TemplateSet(run.templates))
        written = render_all(outputs.jobs, run.out, loaded, run.want_pdf, store=store)
    click.echo(outputs.report)
    report(written, run.out, run.list_files)
    click.echo(f"结果已写到 {run.out / COLLECT_FOLDER}{_SEP}")
    if outputs.outstanding:
        next_step(
            f"把 {COLLECT_FOLDER}{_SEP}退回 中的批注副本发回有关单位改正，收回后再次运行 collect；"
            f"阶段总结可先写出：plandocs summary --phase 阶段序号 {run.args}".rstrip()
        )
        sys.exit(EXIT_INPUT)
    next_step(f"plandocs summary --phase 阶段序号 {run.args}".rstrip())


def refuse_out_inside(returns: Path, out: Path) -> None:
    """An output folder inside the returns folder would be collected by the next run."""
    inside = out.resolve().is_relative_to(returns.resolve())
    if inside:
        fail(
            [
                Problem(
                    out,
                    "",
                    "--out",
                    f"输出目录在回收目录 {returns} 之内，下次回收会把生成的文件当作报回的台账",
                    "请把 --out 设为回收目录以外的目录",
                )
            ]
        )


@contextmanager
def record_store(out: Path) -> Iterator[RecordStore]:
    """The output folder's record database, locked for this run (see generator/write/store.py)."""
    from generator.write.atomic import explain
    from generator.write.store import DATABASE, RecordStore, StoreError

    def waiting() -> None:
        click.echo(f"另一个 plandocs 命令正在写入 {out}，等待它完成……", err=True)

    try:
        store = RecordStore.open(out, waiting)
    except StoreError as error:
        fail([Problem(error.path, "", "", str(error).removeprefix(f"{error.path}："), error.hint)])
    except OSError as error:
        click.echo(explain(error, out / DATABASE), err=True)
        sys.exit(EXIT_INPUT)
    try:
        for note in store.notes:
            click.echo(f"提示：{note}", err=True)
        yield store
    finally:
        store.close()


def read_record(out: Path) -> Any:
    from generator.intake.record import load_record
    from generator.write.store import StoreError

    try:
        return load_record(out)
    except StoreError as error:
        store_failed(error)


@contextmanager
def read_snapshot(out: Path) -> Iterator[Any]:
    """``read_record`` held as one read transaction for the block, reports read lazily."""
    from generator.intake.record import record_snapshot
    from generator.write.store import StoreError

    try:
        with record_snapshot(out) as record:
            yield record
    except StoreError as error:
        store_failed(error)


def store_failed(error: StoreError) -> NoReturn:
    fail([Problem(error.path, "", "", str(error).removeprefix(f"{error.path}："), error.hint)])


@main.command()
@click.argument("returned", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_option
@out_option
@templates_option
def pick(returned: Path, data: Path, out: Path, templates: Path | None) -> None:
    """选定某单位以哪一份报送为准（RETURNED 为该份台账文件，或 原件/ 中它的副本）。

    \b
    默认以最后收到的一份为准；报送情况.txt 的「请核对」列出先后有疑问的报送。
    选定后一直有效，直到该单位再报来新的台账；进度记录、台账汇总和报送情况随即按选定的更新。
    """
    from generator.intake.collect import recorded
    from generator.intake.record import RECORD
    from generator.pipeline.steps import collected
    from generator.render.templates import TemplateSet

    loaded = load(data)
    digest = hashlib.sha256(returned.read_bytes()).hexdigest()
    with record_store(out) as store:
        if store.meta("plan_version") not in (None, loaded.version):
            hint = "请先用当前方案运行 plandocs collect"
            fail([Problem(out / RECORD, "", "", "回收记录属于另一版方案", hint)])
        try:
            unit_id, name = store.pick(digest)
        except LookupError:
            fail([Problem(returned, "", "", "这份文件还没有被回收过", "请先运行 plandocs collect")])
        except ValueError:
            fail(
                [Problem(returned, "", "", "这份台账被退回了，不能选定", "请选定一份已通过的台账")]
            )
        outputs = collected(loaded, recorded(loaded, store), TemplateSet(templates))
        render_all(outputs.jobs, out, loaded, store=store)
    unit = loaded.units.get(unit_id)
    click.echo(f"已选定：{unit.name if unit else unit_id} 以 {name} 为准。")
    click.echo(outputs.report)


@main.command()
@run_options
@click.option(
    "--phase",
    "phase_number",
    metavar="阶段序号",
    type=AtLeast(1),
    required=True,
    help="第几阶段（1、2、3……，按方案的工作步骤顺序）。",
)
def summary(
    phase_number: int,
    run: RunOptions,
) -> None:
    """写出阶段工作总结：局阶段总结（含图表和台账完成情况附件）、各报送单位的阶段总结、统计表。

    依据 plandocs collect 写出的 输出目录/台账汇总/进度记录.json；第一阶段在回收台账前也可写出。
    """
    from generator.documents.summary_charts import chinese_font_available
    from generator.pipeline.steps import summary_inputs, summary_jobs
    from generator.read.plan_reader import read_nominations
    from generator.render.charts import INSTALL_HINT as CHART_FONT_HINT
    from generator.render.templates import TemplateSet

    loaded = load(run.data)
    guard_output(loaded, run.out, run.other_plan)
    try:
        year_end = phase_number == len(loaded.text.phases)
        nominees = None
        if year_end and loaded.awards is not None:
            nominees = read_nominations(run.data, loaded).nominations
        # Everything the summary takes from the record is read here, in one snapshot;
        # closed before render_all, whose commit would wait for its read lock.
        with read_snapshot(run.out) as record:
            inputs = summary_inputs(loaded, record, phase_number, run.out, run.data, nominees)
    except InputError as error:
        fail(error)
    result = inputs.result
    if result.reported and not chinese_font_available():
        click.echo(f"提示：{CHART_FONT_HINT}；本次阶段总结不含图表。", err=True)
    jobs = summary_jobs(inputs, TemplateSet(run.templates))
    written = render_all(jobs, run.out, loaded, run.want_pdf)
    report(written, run.out, run.list_files)
    click.echo(
        f"{'全年' if year_end else result.phase.name}：台账共列 {len(result.targets)} 项，"
        f"已完成 {result.counts['已完成']} 项，完成率 {result.rate * 100:.1f}%。"
    )
    if year_end:
        next_step(f"plandocs pdf {_quoted(run.out)}（转换为 PDF，便于印发和存档）")
    elif phase_number == len(loaded.text.phases) - 1 and loaded.awards is not None:
        next_step(f"评选推荐：plandocs nominate {run.args}".rstrip())
    else:
        next_step("下一阶段收回台账后，再次运行 plandocs collect，然后写出该阶段的总结")


@main.command()
@run_options
@click.option("--forms", is_flag=True, help="只写出发给各单位填写的推荐表格（.xlsx）。")
@click.option(
    "--returns",
    metavar="目录",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="各单位报回的推荐表格所在目录（与 nominations.yaml 合并）。",
)
def nominate(
    forms: bool,
    returns: Path | None,
    run: RunOptions,
) -> None:
    """评选推荐：审核推荐对象，写出推荐表、推荐汇总表和推荐报告。

    \b
    推荐条件在 awards.yaml 中设定，推荐对象来自 nominations.yaml 和 --returns 目录中
    报回的推荐表格；先进集体的台账完成率等条件依据 plandocs collect 的回收结果。
    结果写到 输出目录/评选推荐/，未通过审核的推荐对象及原因见 审核结果.txt。
    有退回的推荐表格时退出码为 2。
    """
    from generator.intake.nominations import read_nomination_returns
    from generator.pipeline.steps import nominated, nomination_forms
    from generator.read.plan_reader import AWARDS_FILE, plan_folder, read_nominations
    from generator.render.templates import TemplateSet

    loaded = load(run.data)
    if loaded.awards is None:
        hint = "请参照示例在方案目录中添加 awards.yaml"
        missing = plan_folder(run.data) / AWARDS_FILE
        fail([Problem(missing, "", "", "没有 awards.yaml，未设定表彰类别", hint)])
    guard_output(loaded, run.out, run.other_plan)
    chosen = TemplateSet(run.templates)
    if forms:
        jobs = nomination_forms(loaded, chosen)
        report(render_all(jobs, run.out, loaded, run.want_pdf), run.out, run.list_files)
        next_step(
            "把推荐表格发给各单位填写，收回后运行 "
            f"plandocs nominate --returns 回收目录 {run.args}".rstrip()
        )
        return
    try:
        nominees = read_nominations(run.data, loaded).nominations
        returned = None if returns is None else read_nomination_returns(loaded, returns)
        outcome = nominated(loaded, nominees, read_record(run.out), run.out, chosen, returned)
    except InputError as error:
        fail(error)
    written = render_all(outcome.jobs, run.out, loaded, run.want_pdf)
    report(written, run.out, run.list_files)
    click.echo(outcome.results)
    if outcome.notes:
        click.echo("推荐表格回收情况：\n" + "\n".join(outcome.notes))
    last = len(loaded.text.phases)
    next_step(f"年度总结：plandocs summary --phase {last} {run.args}".rstrip())
    if outcome.sent_back:
        sys.exit(EXIT_INPUT)


@main.command()
@click.argument(
    "paths", metavar="[路径]...", nargs=-1, type=click.Path(exists=True, path_type=Path)
)
@jobs_option
def pdf(paths: tuple[Path, ...], jobs: int | None) -> None:
    """把生成的 Word/Excel 文件转换为 PDF，放在原文件旁边（默认转换 out/ 下全部文件）。

    \b
    使用 LibreOffice；本机没有公文字体时，仅为 LibreOffice 配置相近的免费字体
    （仿宋、宋体→Noto Serif CJK SC，黑体→Noto Sans CJK SC，楷体→AR PL UKai CN），
    文件中的字体名不变。回收的原件（原件/）不转换。
    """
    from generator.write.pdf import convertible

    sources = convertible(list(paths) or [DEFAULT_OUT], skip=("原件",))
    if not convert_to_pdf(sources, jobs):
        sys.exit(EXIT_INPUT)


def convert_to_pdf(sources: list[Path], jobs: int | None = None) -> bool:
    """Convert with a progress bar; name every document LibreOffice could not convert.

    Returns whether every PDF was written.
    """
    from generator.write.pdf import PdfError, convert, preflight

    try:
        preflight()
        with click.progressbar(length=len(sources), label="正在转换 PDF", file=sys.stderr) as bar:
            result = convert(sources, jobs, bar.update)
    except PdfError as error:
        click.echo(f"PDF 未转换：{error}（未写出任何 PDF）", err=True)
        return False
    click.echo(f"已转换 {len(result.written)} 个 PDF。")
    for source, reason in result.failed:
        click.echo(f"转换失败：{source}：{reason}", err=True)
    return not result.failed


def guard_output(plan: Plan, out: Path, other_plan: bool) -> None:
    """Refuse an output folder that holds another plan's documents (before any work)."""
    if not other_plan and (problems := output_problems(plan, out)):
        fail(problems)


def render_all(
    jobs: list[Job],
    out: Path,
    owner: Plan,
    want_pdf: bool = False,
    workers: int | None = 1,
    store: RecordStore | None = None,
) -> list[Path]:
    """Render every job in memory (with a progress bar), then write them all atomically.

    ``workers`` None: as many as suit the number of files (:func:`run_jobs`). The folder
    is marked as ``owner``'s. With ``want_pdf`` the PDFs follow the documents; if
    LibreOffice is missing or a conversion fails, the documents stay written, the PDF
    step says why, and the run ends with exit status 3.
    """
    with contextlib.ExitStack() as stack:
        # The folder's lock, and whatever an interrupted run left finished or cleared first.
        journal = store or stack.enter_context(record_store(out))
        return _render_all(jobs, out, owner, want_pdf, workers, journal)


def _render_all(
    jobs: list[Job],
    out: Path,
    owner: Plan,
    want_pdf: bool,
    workers: int | None,
    store: RecordStore,
) -> list[Path]:
    from generator.pipeline.run import RunFailed, run_jobs
    from generator.write.pdf import convertible

    try:
        result = run_jobs(jobs, out, owner, store, workers, _progress_bar)
    except RunFailed as error:
        prefix = "生成失败，未写出任何文件：" if error.rendering else ""
        click.echo(f"{prefix}{error}", err=True)
        sys.exit(EXIT_INPUT)
    if result.unchanged:
        click.echo(f"{result.unchanged} 个文件的输入未改动，保留原文件未重写。")
    for note in result.notes:
        click.echo(f"提示：{note}", err=True)
    written = result.written
    if want_pdf and written and not convert_to_pdf(convertible(written, skip=("原件",))):
        click.echo("文件已写出，但 PDF 未全部转换（退出码 3）。", err=True)
        click.get_current_context().meta[PDF_UNFINISHED] = True
    return written


def _progress_bar(items: Iterable[tuple[Job, bytes]], length: int) -> Iterator[tuple[Job, bytes]]:
    # The bar is shown the jobs only: it keeps the last item it showed, and a document's
    # bytes kept while the next one is rendered would double the largest of them.
    made: list[bytes] = []

    def jobs() -> Iterator[Job]:
        for job, data in items:
            made.append(data)
            del data
            yield job

    with click.progressbar(
        jobs(),
        length=length,
        label=f"正在生成 {length} 个文件",
        item_show_func=_done_label,
        file=sys.stderr,
    ) as bar:
        for job in bar:
            yield job, made.pop()


def _done_label(job: Job | None) -> str:
    return job.label if job else ""


KINDS = {
    ".docx": "Word",
    ".xlsx": "Excel",
    ".pdf": "PDF",
    ".txt": "文本",
    ".json": "记录",
    ".yaml": "方案数据",
}


def report(written: list[Path], out: Path, list_files: bool = False) -> None:
    """How many files of each kind went into each folder; every file with ``--list``."""
    click.echo(f"已生成 {len(written)} 个文件，位于 {out}{_SEP}：")
    if list_files:
        for path in written:
            click.echo(f"  {path.relative_to(out)}")
        return
    by_folder: dict[str, Counter[str]] = {}
    for path in written:
        parts = path.relative_to(out).parts
        folder = f"{parts[0]}{_SEP}" if len(parts) > 1 else "（本目录）"
        kind = KINDS.get(path.suffix.lower(), "其他")
        by_folder.setdefault(folder, Counter())[kind] += 1
    for folder, kinds in by_folder.items():
        counts = "、".join(f"{kind} {n} 个" for kind, n in kinds.items())
        click.echo(f"  {folder}  {counts}")
    if len(written) > len(by_folder):
        click.echo("  （加 --list 列出每个文件）")


_SEP = "\\" if sys.platform == "win32" else "/"


def next_step(text: str) -> None:
    click.echo(f"下一步：{text}")


def data_args(data: Path, out: Path | None = None) -> str:
    """The --data/--out part of a suggested command, as the user would type it."""
    words = [] if data == Path(".") else [f"--data {_quoted(data)}"]
    if out is not None and out != DEFAULT_OUT:
        words.append(f"--out {_quoted(out)}")
    return " ".join(words)


def _quoted(path: Path) -> str:
    text = str(path)
    return f'"{text}"' if any(c.isspace() for c in text) else text


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="目录",
    default=Path("data/schema"),
    show_default=True,
    help="JSON Schema 输出目录。",
)
def schema(out: Path) -> None:
    """写出方案数据的 JSON Schema（编辑器据此补全和检查 YAML）。"""
    from generator.pipeline.plan_files import write_schemas

    for path in write_schemas(out):
        click.echo(f"已写出 {path}")


@main.command()
@click.argument(
    "templates_dir",
    metavar="[模板目录]",
    required=False,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
)
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
    from generator.lint import lint_templates
    from generator.render.templates import BUNDLED as BUNDLED_TEMPLATES

    try:
        found = lint_templates(templates_dir or BUNDLED_TEMPLATES)
    except InputError as error:
        fail(error)
    click.echo(found.text())
    if found.errors:
        sys.exit(EXIT_INPUT)


@main.command(name="import")
@click.argument(
    "source", metavar="源文件", type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option(
    "--out",
    metavar="目录",
    type=click.Path(path_type=Path),
    default=None,
    help="写出方案数据的目录（默认 data/源文件名）；以 .xlsx 结尾则写出 Excel 方案工作簿。",
)
@click.option("--force", is_flag=True, help="覆盖目录中已有的 plan.yaml 等文件。")
def import_plan_command(source: Path, out: Path | None, force: bool) -> None:
    """导入已有的方案（源文件为 .docx 或 .txt），读成方案数据，免去重新录入。

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
    from generator.pipeline.plan_files import (
        IMPORT_OVERWRITE_HINT,
        PLAN_FILES,
        imported_workbook,
        write_import,
    )
    from generator.read.plan_import import import_plan
    from generator.read.plan_reader import is_workbook
    from generator.write.atomic import OutputError, write_files

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
    report(written, folder, list_files=True)


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
@click.option(
    "--example",
    metavar="示例名",
    help=f"复制一个内置示例方案（含各单位报回的示例台账），可选：{'、'.join(examples())}。",
)
@click.option(
    "--templates",
    "copy_templates",
    is_flag=True,
    help="复制内置模板（Word/Excel），供本局修改后用 --templates 目录 使用。",
)
def init(folder: Path, workbook: bool, example: str | None, copy_templates: bool) -> None:
    """在目录（默认当前目录）中写出一份示例方案，照着改写即可。

    \b
    默认写出 plan.yaml、units.yaml、ledger.yaml；加 --xlsx 则写出一个 Excel 方案工作簿
    plan.xlsx（各工作表带表头、下拉选项和示例行，说明 工作表解释每一列）。
    加 --example jiaozuo2016 复制内置示例；加 --templates 复制内置模板。
    目录中已有这些文件时不写出任何文件（退出码 2）。
    """
    from generator.pipeline.plan_files import (
        PLAN_FILES,
        example_files,
        plan_files,
        starter_plan,
        template_files,
    )
    from generator.render.templates import BUNDLED as BUNDLED_TEMPLATES

    hint = "init 不会覆盖已有的文件；请换一个目录，或先移走这些文件"
    if copy_templates:
        written = write_plan_files(folder, template_files(BUNDLED_TEMPLATES), hint=hint)
        report(written, folder, list_files=True)
        where = _quoted(folder)
        next_step(f"修改模板后运行 plandocs lint {where} 检查，生成时加 --templates {where}")
        return
    if example is not None:
        bundled = examples()
        if example not in bundled:
            choices = "、".join(bundled)
            fail([Problem(Path(example), "", "--example", "没有这个内置示例", f"可选：{choices}")])
        files = example_files(bundled[example], SCHEMAS)
    else:
        files = plan_files(*starter_plan(), workbook=workbook)
    written = write_plan_files(folder, files, guard=PLAN_FILES, hint=hint)
    report(written, folder, list_files=example is None)
    data = folder / "plan.xlsx" if workbook else folder
    if example is not None:
        next_step(f"cd {_quoted(folder)}，然后运行 plandocs check 和 plandocs plan")
    else:
        next_step(f"填写后运行 plandocs check --data {_quoted(data)} 检查。")


@main.command(name="convert")
@click.argument("source", metavar="源", type=click.Path(exists=True, path_type=Path))
@click.argument("dest", metavar="目标", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="覆盖目标处已有的文件。")
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
    from generator.pipeline.plan_files import converted_files, destination
    from generator.read.plan_reader import is_workbook, read_nominations, read_plan

    try:
        # An unfinished plan (an import with 待填写 left) converts, to be finished in Excel.
        loaded = read_plan(source, unfinished=True)
        read_nominations(source, loaded)
    except InputError as error:
        fail(error)
    folder, _ = destination(dest)
    files = converted_files(source, dest, loaded.text, loaded.organisation, loaded.ledger)
    report(write_plan_files(folder, files, force=force), folder, list_files=True)
    if not is_workbook(dest) and (folder / "plan.xlsx").exists():
        click.echo(f"提示：{folder} 中还有 plan.xlsx；运行时请用 --data 指定工作簿或先移走它。")


def write_plan_files(folder: Path, files: dict[str, bytes], **options: Any) -> list[Path]:
    from generator.write.atomic import OutputError, write_files

    try:
        return write_files(folder, files, **options)
    except InputError as error:
        fail(error)
    except OutputError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_INPUT)
