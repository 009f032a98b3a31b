"""Read a YAML file into plain data, remembering where every value came from.

PyYAML is permissive in ways that hurt hand-edited plans: it keeps the last of
two duplicate keys, reads an unquoted ``no`` as ``false`` and ``010`` as ``8``.
This reader composes the node tree itself so that it can report those cases with
their line and column, and so that later validation errors can be located too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.problems import Problem

PathKey = tuple[str | int, ...]

_OCTAL_LIKE = re.compile(r"^[-+]?0[0-9_]+$")
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")
_ILLEGAL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

MAX_YAML_BYTES = 5 * 1024 * 1024  # a plan is a few dozen KB; more is a mistake or an attack
MAX_DEPTH = 40  # nesting deeper than any plan needs (and than Python's recursion likes)
_ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}

_TAG_NAMES = {
    "tag:yaml.org,2002:bool": "布尔值",
    "tag:yaml.org,2002:int": "整数",
    "tag:yaml.org,2002:float": "小数",
    "tag:yaml.org,2002:null": "空值",
    "tag:yaml.org,2002:timestamp": "日期",
}


@dataclass(frozen=True)
class ScalarInfo:
    """How a scalar was written: its source text, and whether it was quoted."""

    source: str
    plain: bool
    tag: str


@dataclass
class YamlDocument:
    """Plain data read from one file, with the position of every key and value."""

    path: Path
    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    scalars: dict[PathKey, ScalarInfo] = field(default_factory=dict)
    flagged: set[PathKey] = field(default_factory=set)  # paths the reader already reported

    def place(self, path: PathKey) -> str:
        """``line:column`` of ``path``, or of its nearest located ancestor."""
        for cut in range(len(path), -1, -1):
            position = self.positions.get(tuple(path[:cut]))
            if position:
                return f"{position[0]}:{position[1]}"
        return ""

    def problem(self, path: PathKey, message: str, hint: str = "") -> Problem:
        return Problem(self.path, self.place(path), format_path(path), message, hint)

    def source_text(self, path: PathKey, value: Any) -> str:
        """The value as the user typed it (``no``, not ``False``)."""
        info = self.scalars.get(tuple(path))
        return info.source if info else str(value)

    def scalar_hint(self, path: PathKey) -> str:
        """Explain a YAML 1.1 surprise at ``path``, if the value there is one."""
        info = self.scalars.get(tuple(path))
        if info is None or not info.plain or info.tag == "tag:yaml.org,2002:str":
            return ""
        kind = _TAG_NAMES.get(info.tag, info.tag)
        return (
            f"未加引号的「{info.source}」被 YAML 读成了{kind}；"
            f'如要作为文字，请加引号写成 "{info.source}"'
        )


def format_path(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Composer:
    """Turns a composed node tree into plain data, collecting problems on the way."""

    def __init__(self, document: YamlDocument, problems: list[Problem]) -> None:
        self.document = document
        self.problems = problems
        self.constructor = yaml.SafeLoader("")
        self.seen: set[int] = set()

    def convert(self, node: yaml.Node, path: PathKey) -> Any:
        self.document.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if not self._acceptable(node, path):
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _acceptable(self, node: yaml.Node, path: PathKey) -> bool:
        """Refuse what a plan never needs and an attacker would use."""
        if id(node) in self.seen:
            # An alias (*name): expanding them blindly is the "billion laughs" attack.
            self._add(path, node, "不支持 YAML 锚点和别名（& 和 *）", "请把内容直接写出来")
            return False
        self.seen.add(id(node))
        if node.tag not in _ALLOWED_TAGS:
            self._add(
                path, node, f"不支持的 YAML 标签「{node.tag}」", "请删除 ! 开头的标签，直接写值"
            )
            return False
        if len(path) > MAX_DEPTH:
            self._add(path, node, f"嵌套超过 {MAX_DEPTH} 层", "请检查缩进")
            return False
        return True

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if (
                not isinstance(key_node, yaml.ScalarNode)
                or key_node.tag == "tag:yaml.org,2002:merge"
            ):
                self._add(path, key_node, "不支持这种键（合并键或复合键）", "请把键写成普通文字")
                continue
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in first_seen:
                self._add(
                    (*path, key),
                    key_node,
                    f"键「{key}」重复出现（第一次在第 {first_seen[key]} 行）；"
                    "YAML 会静默丢弃前一个值",
                    "删除或合并重复的键，只保留一个",
                )
                continue
            first_seen[key] = line
            here = (*path, key)
            self.document.positions[here] = (line, key_node.start_mark.column + 1)
            result[key] = self.convert(value_node, here)
            # Keep the key's own position: errors about a key point at the key.
            self.document.positions[here] = (line, key_node.start_mark.column + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        plain = node.style in (None, "")
        self.document.scalars[path] = ScalarInfo(str(node.value), plain, node.tag)
        if _ILLEGAL_CHARS.search(str(node.value)):
            char = _ILLEGAL_CHARS.search(str(node.value)).group()  # type: ignore[union-attr]
            self._add(
                path,
                node,
                f"含有不可见的控制字符 U+{ord(char):04X}（常见于从 Word 复制粘贴）",
                "删除该字符；需要换行时请另起一段",
            )
            return str(node.value)
        if plain and node.tag == "tag:yaml.org,2002:int" and _OCTAL_LIKE.match(node.value):
            self._add(
                path,
                node,
                f"「{node.value}」以 0 开头，YAML 会把它当作八进制数",
                f'如是编号或文字请加引号写成 "{node.value}"；如是数量请去掉前导 0',
            )
            return node.value
        if plain and node.tag == "tag:yaml.org,2002:int" and _SEXAGESIMAL.match(node.value):
            self._add(
                path,
                node,
                f"「{node.value}」会被 YAML 当作六十进制数",
                f'请加引号写成 "{node.value}"',
            )
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, yaml.constructor.ConstructorError) as exc:
            if node.tag == "tag:yaml.org,2002:timestamp":
                self._add(
                    path, node, f"日期「{node.value}」不存在", "请写成真实存在的日期，如 2016-06-07"
                )
            else:
                self._add(path, node, f"无法读取「{node.value}」：{exc}", "请检查该值的写法")
            return node.value

    def _add(self, path: PathKey, node: yaml.Node, message: str, hint: str) -> None:
        self.document.flagged.add(path)
        place = f"{node.start_mark.line + 1}:{node.start_mark.column + 1}"
        self.problems.append(Problem(self.document.path, place, format_path(path), message, hint))


def read_yaml(path: Path, problems: list[Problem]) -> YamlDocument | None:
    """Read ``path``; syntax problems go to ``problems`` and give ``None``."""
    document = YamlDocument(path, None)
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            problems.append(
                Problem(
                    path,
                    "",
                    "",
                    f"文件过大（{size} 字节，上限 {MAX_YAML_BYTES} 字节）",
                    "方案数据文件通常只有几十 KB，请检查是否选错了文件",
                )
            )
            return None
        if path.exists() and not path.is_file():
            problems.append(
                Problem(
                    path,
                    "",
                    "",
                    "不是文件（是一个文件夹或其他特殊文件）",
                    "请把它换成同名的 YAML 文件，或检查 --data 指定的目录",
                )
            )
            return None
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(path, "", "", "文件不存在", "请检查 --data 指定的目录和文件名"))
        return None
    except OSError as exc:
        problems.append(
            Problem(path, "", "", f"无法读取（{exc.strerror or exc}）", "请检查文件的权限")
        )
        return None
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                path,
                "",
                "",
                f"文件不是 UTF-8 编码（第 {exc.start} 字节）",
                "请用 UTF-8 编码另存该文件",
            )
        )
        return None
    too_deep = _too_deep(text)
    if too_deep is not None:
        place = f"{too_deep.line + 1}:{too_deep.column + 1}"
        problems.append(
            Problem(path, place, "", f"嵌套超过 {MAX_DEPTH} 层", "请检查缩进和括号是否成对")
        )
        return None
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(path, exc))
        return None
    if node is None:
        problems.append(Problem(path, "1:1", "", "文件是空的", "请按示例填写内容"))
        return None
    document.data = _Composer(document, problems).convert(node, ())
    return document


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser, when built


def _too_deep(text: str) -> Any:
    """Where nesting first goes deeper than MAX_DEPTH, found before composing the tree.

    PyYAML's composer recurses once per level, so a few thousand levels end in a
    RecursionError; its parser does not recurse, so its events are counted instead.
    A syntax error is left for the composer to report.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_FAST_LOADER):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:  # libyaml stops at its own limit (1,000 levels)
        return exc.problem_mark if "nesting depth" in str(exc.problem) else None
    return None


# libyaml composes the same node tree, tags and marks over ten times faster; a file it
# rejects is parsed again by the pure-Python parser, so a syntax error is reported exactly
# as before (its wording and place).
def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        if _FAST_LOADER is yaml.SafeLoader:
            raise
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _syntax_problem(path: Path, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    place = f"{mark.line + 1}:{mark.column + 1}" if mark else ""
    detail = exc.problem or exc.context or ""
    return Problem(
        path,
        place,
        "",
        f"YAML 语法错误：{detail}",
        "检查该行及上一行的缩进（只能用空格）、冒号后的空格和引号是否成对",
    )
