"""Click's own words in Chinese (命令行的提示文字), through click's gettext support.

click marks every message it prints (``Usage:``, ``Options``, ``[default: …]``, ``No such
command …``, ``Did you mean …``) with gettext's ``_``/``ngettext``, bound when its modules
are imported. We bind those names to :class:`ClickChinese` -- a gettext translation whose
catalog is :data:`MESSAGES` -- instead of installing a process-wide gettext domain, which
would depend on ``LANG`` (unset on Windows) and would translate other libraries too.

The catalog is keyed by click's own message ids; ``tests/test_cli_text.py`` checks that each
one still occurs in the installed click, so an upgrade that rewords a message fails a test
rather than turning the message back into English.
"""

from __future__ import annotations

import gettext
import importlib

# click's message id → Chinese. Chinese has one form, so a plural message is keyed by its
# singular id and gives the same text for every count.
MESSAGES: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "(dynamic)": "（动态）",
    "env var: {var}": "环境变量：{var}",
    "deprecated": "已停用",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "Aborted!": "已取消。",
    "Missing command.": "缺少命令。",
    "Got unexpected extra argument ({args})": "多余的参数：{args}",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，但只给了 1 个。",
    "Did you mean {possibility}?": "是否想写 {possibility}？",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "unknown error": "未知错误",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值有误：{message}",
    "Invalid value: {message}": "值有误：{message}",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 {command} {option} 查看用法。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 后面不能跟值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面需要一个值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的开头字符有误（{option}）",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not {choice}.": "{value!r} 不是可选的值 {choice}。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围内（{range}）。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} 不是有效的是/否值，可用：{states}"
    ),
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是目录。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录，不是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 无法执行。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "Do you want to continue?": "是否继续？",
    "Repeat for confirmation": "请再输入一次确认",
    "Error: The two entered values do not match.": "错误：两次输入的值不一致。",
    "Error: invalid input": "错误：输入有误",
    "Press any key to continue...": "按任意键继续……",
}

# Plural messages by their singular id (click calls ngettext(singular, plural, n)).
_PLURAL_TEXT = {
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，但给了 {len} 个。",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面需要 {nargs} 个值。",
    "{value!r} is not {choice}.": "{value!r} 不是可选的值（{choices}）。",
    "Did you mean {possibility}?": "（是否想写其中之一：{possibilities}？）",
}

# The click modules that bind gettext's names at import.
_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
    "click._termui_impl",
)


class ClickChinese(gettext.NullTranslations):
    """A gettext translation into Chinese of click's messages."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        if n == 1:
            return self.gettext(msgid1)
        if msgid1 in _PLURAL_TEXT:
            return _PLURAL_TEXT[msgid1]
        return MESSAGES.get(msgid1, msgid2)


def install() -> None:
    """Make click speak Chinese in this process (idempotent)."""
    translation = ClickChinese()
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # a module click no longer has
            continue
        if hasattr(module, "_"):
            module._ = translation.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translation.ngettext  # type: ignore[attr-defined]
