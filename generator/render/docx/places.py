"""Where a Jinja line came from: paragraph, row and cell marks, and the Chinese messages
that name the place in Word terms (``正文第 3 段``)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError

from generator.render.docx.errors import IllegalValue
from generator.render.docx_checks import (
    Place,
    part_label,
)
from generator.render.limits import (
    LimitedSandbox,
    LimitExceeded,
)

_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined")

_MISSING_ITEM = re.compile(r"has no attribute '([^']+)'")

# Place marks: \x01 can never occur in XML 1.0, so neither in a part nor in a value.
_ELEMENT_START = re.compile(r"<w:(?:p|tr|tc)(?=[\s/>])")

_MARK = re.compile("\x01(\\d+)\x02")

# The mark of place N as a Jinja comment: it renders to nothing; its newline starts a line.
MARK_COMMENT = re.compile("\\{#\x01(\\d+)\n#\\}")

_BLOCK_TAGS = frozenset(
    {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "trans"}
)


def mark_places(xml: str, places: list[Place]) -> str:
    """``\\x01N\\x02`` before the start tag of the N-th paragraph, row or cell.

    Start tags appear in the serialised part in document order, the order of
    ``places``; if the counts differ (an unusual prefix, a comment holding ``<w:p``)
    nothing is marked and errors name only the part.
    """
    starts = [found.start() for found in _ELEMENT_START.finditer(xml)]
    if len(starts) != len(places):
        return xml
    pieces, last = [], 0
    for index, start in enumerate(starts):
        pieces += [xml[last:start], f"\x01{index}\x02"]
        last = start
    pieces.append(xml[last:])
    return "".join(pieces)


@dataclass(frozen=True)
class LineMap:
    """Which paragraph, row or cell each line of a compiled part belongs to."""

    part: str
    lines: list[int]  # first line of each entry of ``places``, ascending
    places: list[Place]
    marked: list[Place]  # every place, by the number of its mark

    def place(self, line: int | None) -> Place:
        index = bisect_right(self.lines, line) - 1 if line else -1
        return self.places[index] if index >= 0 else Place(part_label(self.part), "")


def comment_marks(source: str, places: list[Place], part: str) -> tuple[str, LineMap]:
    """Turn each mark into a ``MARK_COMMENT``; the line after it starts that place."""
    pieces: list[str] = []
    lines: list[int] = []
    found_places: list[Place] = []
    line, last = 1, 0
    for found in _MARK.finditer(source):
        chunk = source[last : found.start()]
        line += chunk.count("\n") + 1  # the comment's own newline
        pieces += [chunk, f"{{#\x01{found.group(1)}\n#}}"]
        lines.append(line)
        found_places.append(places[int(found.group(1))])
        last = found.end()
    pieces.append(source[last:])
    return "".join(pieces), LineMap(part, lines, found_places, places)


def template_line(exc: BaseException) -> int | None:
    """The template line an error arose on: Jinja rewrites tracebacks so the
    template's frames carry its line numbers."""
    line = None
    trace = exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def innermost_unclosed(environment: LimitedSandbox, source: str) -> tuple[str, int] | None:
    """(keyword, line) of the innermost block tag still open at the end of ``source``."""
    stack: list[tuple[str, int]] = []
    tag: list[tuple[int, str, str]] = []
    try:
        for token in environment.lex(source):
            if token[1] == "block_begin":
                tag = []
            elif token[1] == "block_end":
                _track_block(tag, stack)
            elif token[1] != "whitespace":
                tag.append(token)
    except TemplateSyntaxError:
        pass
    return stack[-1] if stack else None


def _track_block(tag: list[tuple[int, str, str]], stack: list[tuple[str, int]]) -> None:
    if not tag or tag[0][1] != "name":
        return
    line, _, keyword = tag[0]
    block_set = keyword == "set" and all(token[1:] != ("operator", "=") for token in tag)
    if keyword in _BLOCK_TAGS or block_set:
        stack.append((keyword, line))
    elif keyword.startswith("end") and stack and stack[-1][0] == keyword[3:]:
        stack.pop()


def syntax_message(message: str) -> str:
    """Jinja's English syntax message, said in Chinese where it is a common one."""
    unknown = re.search(r"unknown tag '(\w+)'", message)
    if unknown and unknown.group(1).startswith("end"):
        return f"多余的 {unknown.group(1)} 标记：前面没有与之对应的开始标记（{message}）"
    if unknown:
        return f"未知的标记 {unknown.group(1)}（{message}）"
    if "unexpected '}'" in message:
        return f"标记中有多余的“}}”（{message}）"
    return f"Jinja 语法有误（{message}）"


def runtime_message(exc: BaseException) -> str:
    """What went wrong while rendering, in Chinese, with Jinja's own words kept."""
    if isinstance(exc, UndefinedError):
        message = exc.message or str(exc)
        if found := _UNDEFINED_NAME.search(message):
            return f"变量 {found.group(1)} 未定义（{message}）"
        if found := _MISSING_ITEM.search(message):
            return f"数据中没有 {found.group(1)} 这一项（{message}）"
        return f"数据中没有模板要用的值（{message}）"
    if isinstance(exc, LimitExceeded):
        return f"超出限制：{exc}"
    if isinstance(exc, SecurityError):
        return f"试图执行沙箱不允许的操作：{exc}"
    if isinstance(exc, IllegalValue):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "宏或循环的递归过深"
    if isinstance(exc, MemoryError):
        return "渲染所需的内存过多"
    if isinstance(exc, TemplateError):
        return f"渲染失败：{exc}"
    return f"计算出错：{type(exc).__name__}: {exc}"
