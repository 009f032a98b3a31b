"""GB/T 9704-2012 (党政机关公文格式) numbers, as named constants.

The single source for the template maker (``tools/make_templates.py``) and the
layout checker (``tests/gbt9704_checks.py``): change a number here and both follow.
Lengths are in twips (1/20 pt, 1 mm = 56.69 twips), font sizes in half-points
(``w:sz``), character spacing in twentieths of a point (``w:spacing`` in ``w:rPr``).
"""

from __future__ import annotations

from typing import Final

TWIPS_PER_MM: Final = 1440 / 25.4

# --- Page: A4 portrait --------------------------------------------------------
PAGE_WIDTH: Final = 11906
PAGE_HEIGHT: Final = 16838
MARGIN_TOP: Final = 2098  # 天头 37 mm
MARGIN_BOTTOM: Final = 1984  # 35 mm, so the 版心 is 225 mm high
MARGIN_LEFT: Final = 1588  # 订口 28 mm
MARGIN_RIGHT: Final = 1474  # 26 mm, so the 版心 is 156 mm wide
MARGIN_TOLERANCE: Final = 57  # ± 1 mm
TEXT_WIDTH: Final = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 8844 = 156 mm
TEXT_HEIGHT: Final = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 12756 = 225 mm

# --- Page: A4 landscape (横排表格) ----------------------------------------------
# The portrait page turned a quarter clockwise: the table head sits at the
# binding edge (订口) of an odd page as §10.1 asks, and the 版心 keeps its
# physical place on the sheet, so the four portrait margins simply rotate.
LANDSCAPE_MARGIN_TOP: Final = MARGIN_LEFT
LANDSCAPE_MARGIN_RIGHT: Final = MARGIN_TOP
LANDSCAPE_MARGIN_BOTTOM: Final = MARGIN_RIGHT
LANDSCAPE_MARGIN_LEFT: Final = MARGIN_BOTTOM
LANDSCAPE_TEXT_WIDTH: Final = PAGE_HEIGHT - LANDSCAPE_MARGIN_LEFT - LANDSCAPE_MARGIN_RIGHT

# --- Lines and characters -----------------------------------------------------
LINE_PITCH: Final = 579  # exact 28.95 pt: 22 lines in the 225 mm 版心
LINE_PITCH_ALTERNATIVE: Final = 560  # exact 28 pt, also 22 lines; accepted by the checker
LINES_PER_PAGE: Final = 22
CHARS_PER_LINE: Final = 28
# A plain 16 pt line holds 27 characters in 156 mm; 0.25 pt less per character gives 28.
BODY_CHAR_SPACING: Final = -5

# --- Fonts (the names the bureau's machines have; never rename for rendering) --
FONT_FANGSONG: Final = "仿宋_GB2312"
FONT_XIAOBIAOSONG: Final = "方正小标宋简体"
FONT_HEITI: Final = "黑体"
FONT_KAITI: Final = "楷体_GB2312"
FONT_SONGTI: Final = "宋体"
FONT_LATIN: Final = "Times New Roman"
LANG_EAST_ASIA: Final = "zh-CN"
LANG_LATIN: Final = "en-US"

# --- Sizes in half-points -------------------------------------------------------
SIZE_ERHAO: Final = 44  # 二号 22 pt
SIZE_SANHAO: Final = 32  # 三号 16 pt
SIZE_SIHAO: Final = 28  # 四号 14 pt
SIZE_XIAOSI: Final = 24  # 小四 12 pt, the smallest table text we allow

# --- Indents: 一字 is the width of one character of the paragraph's size ------
CHAR_WIDTH_SANHAO: Final = 320
CHAR_WIDTH_SIHAO: Final = 280
HALF_WIDTH_SANHAO: Final = CHAR_WIDTH_SANHAO // 2  # a digit or Latin letter at 三号
FIRST_LINE_INDENT: Final = 2 * CHAR_WIDTH_SANHAO  # 640, body and level-1 headings
DATE_RIGHT_INDENT: Final = 4 * CHAR_WIDTH_SANHAO  # 1280, 成文日期 右空四字
PAGE_NUMBER_INDENT: Final = CHAR_WIDTH_SIHAO  # 280, 页码 1 字 from the edge

# --- Signature centred over the date (加盖印章的公文) ---------------------------
# The signature paragraph is centred between a left indent and the right margin,
# so it stays centred over the date whatever the length of the organ's name.
# The date's width varies only by a digit between "2016年6月7日" and
# "2016年12月31日"; the nominal date has a one-digit month and two-digit day.
NOMINAL_DATE_WIDTH: Final = 3 * CHAR_WIDTH_SANHAO + 7 * HALF_WIDTH_SANHAO  # 2080
DATE_CENTRE: Final = TEXT_WIDTH - DATE_RIGHT_INDENT - NOMINAL_DATE_WIDTH // 2
SIGNATURE_LEFT_INDENT: Final = 2 * DATE_CENTRE - TEXT_WIDTH  # centre of [left, TEXT_WIDTH]
SIGNATURE_CENTRE_TOLERANCE: Final = CHAR_WIDTH_SANHAO
# Characters a signature line holds centred over the date: a longer organ name is broken
# (at a word's end) into lines of this many, never wrapped inside a word.
SIGNATURE_CHARS: Final = (TEXT_WIDTH - SIGNATURE_LEFT_INDENT) // (
    CHAR_WIDTH_SANHAO + BODY_CHAR_SPACING
)
BLANK_LINES_BEFORE_SIGNATURE: Final = 2  # room for the seal, whose top is within a line of the text

# --- Page number (页码) -----------------------------------------------------------
PAGE_NUMBER_DASH: Final = "\u2014"  # 一字线 "—"
PAGE_NUMBER_BEFORE: Final = PAGE_NUMBER_DASH + " "
PAGE_NUMBER_AFTER: Final = " " + PAGE_NUMBER_DASH
PAGE_NUMBER_LINE: Final = 280  # exact line height of the footer line (14 pt)
PAGE_NUMBER_GAP: Final = round(7 * TWIPS_PER_MM)  # 397: 7 mm below the 版心
FOOTER_DISTANCE: Final = MARGIN_BOTTOM - PAGE_NUMBER_GAP - PAGE_NUMBER_LINE
LANDSCAPE_FOOTER_DISTANCE: Final = LANDSCAPE_MARGIN_BOTTOM - PAGE_NUMBER_GAP - PAGE_NUMBER_LINE
HEADER_DISTANCE: Final = 851  # 15 mm; no header is used, Word only needs a value

# --- Issuing notice (印发通知): 版头 (7.2) ----------------------------------------------
# 发文机关标志: red 小标宋, centred, its top edge 35 mm below the top of the 版心. The size
# is left to the bureau ("醒目、美观、庄重"); 小初 fits a 12-character name on one line.
SIZE_XIAOCHU: Final = 72  # 小初 36 pt
AUTHORITY_SIZE: Final = SIZE_XIAOCHU
# A longer name gets a smaller size, down to 一号 (26 pt, still well above the 二号 title),
# then narrower characters (w:w), so it stays on one line: 97% of the 版心, as glyph
# boxes overhang their advance a little.
SIZE_YIHAO: Final = 52  # 一号 26 pt
AUTHORITY_MIN_SIZE: Final = SIZE_YIHAO
AUTHORITY_WIDTH: Final = TEXT_WIDTH * 97 // 100
AUTHORITY_LINE: Final = 800  # exact 40 pt: the 36 pt glyphs and little room above them
AUTHORITY_SPACE_BEFORE: Final = round(35 * TWIPS_PER_MM)  # 1984
RED: Final = "FF0000"
# 发文字号 two blank lines below the 标志, centred; the red 分隔线 4 mm below it, as wide
# as the 版心 (a bottom border of the 发文字号 paragraph, which has no indents). The
# border lies w:space points below the 579 line, which ends about 7 pt below the
# characters: 5 pt more puts the rule 4 mm (11.3 pt) below them. The standard gives
# the rule no weight; 1.5 pt is the usual one.
BLANK_LINES_BEFORE_DOC_NUMBER: Final = 2
RULE_SPACE_PT: Final = 5
RULE_GAP_MM: Final = 4  # from the bottom of the 发文字号 characters to the rule
RULE_WIDTH: Final = 12  # eighths of a point: 1.5 pt
BLANK_LINES_AFTER_RULE: Final = 2  # the title 2 lines below the red rule (7.3.1)
DOC_NUMBER_PATTERN: Final = r"[^\s〔〕]+〔\d{4}〕[1-9]\d*号"  # 焦文明办〔2020〕1号, no 第 or 01

# --- Issuing notice: 版记 (7.4) at the foot of the last page -----------------------------
# 抄送 and 印发 lines in 仿宋 四号, each 1 字 in from both sides; rules as wide as the 版心,
# the first and last thick (0.35 mm), the one between them thin (0.25 mm); the last rule
# lies on the bottom edge of the 版心. Border widths in eighths of a point.
RECORD_RULE_THICK: Final = 8  # 1 pt ≈ 0.35 mm
RECORD_RULE_THIN: Final = 6  # 0.75 pt ≈ 0.25 mm
RECORD_INDENT: Final = CHAR_WIDTH_SIHAO  # 280, 左右各空一字
RECORD_LINE: Final = LINE_PITCH  # one body line per 版记 line
COPY_TO_LABEL: Final = "抄送："
# A wrapped 抄送 line continues under the first name, after "抄送：" (3 字).
COPY_TO_NAME_START: Final = RECORD_INDENT + len(COPY_TO_LABEL) * CHAR_WIDTH_SIHAO  # 1120
PRINTED: Final = "印发"  # 2020年3月5日印发
# The 印发日期 ends 1 字 from the right edge: a right tab stop there.
PRINT_DATE_TAB: Final = TEXT_WIDTH - RECORD_INDENT

# --- Ledger table in the landscape attachment -------------------------------------
TABLE_LINE: Final = 400  # exact 20 pt lines for 14 pt table text
TABLE_BORDER: Final = 4  # eighths of a point: 0.5 pt single rules
LEDGER_HEADERS: Final = ("序号", "创建项目", "具体目标内容", "责任单位", "实施情况")
LEDGER_COLUMN_WIDTHS: Final = (850, 2600, 5606, 2200, 1500)  # sums to LANDSCAPE_TEXT_WIDTH

# --- Nomination forms (推荐表): one bordered table per nominee ----------------------------
# Not a 公文 body: the page, footers, title and fonts follow GB/T 9704, the table its own
# numbers. Labels 黑体 小四, values 仿宋 小四; cell lines are at least 18 pt, so they
# grow instead of clipping when a bureau enlarges the text to 四号.
CHAR_WIDTH_XIAOSI: Final = 240
FORM_TABLE_WIDTH: Final = TEXT_WIDTH  # 8844 = 156 mm
FORM_LINE: Final = 360  # at-least 18 pt
FORM_LABEL_WIDTH: Final = 1900  # "工作单位及职务": 7 字 of 小四 plus the cell margins
FORM_VALUE_WIDTH: Final = (FORM_TABLE_WIDTH - 2 * FORM_LABEL_WIDTH) // 2  # 2522
FORM_COLUMN_WIDTHS: Final = (FORM_LABEL_WIDTH, FORM_VALUE_WIDTH) * 2  # label | value twice
FORM_FIELD_ROW_HEIGHT: Final = 510  # 9 mm, at least
FORM_HONOURS_ROW_HEIGHT: Final = 794  # 14 mm, at least
FORM_OPINION_ROW_HEIGHT: Final = 1701  # 30 mm, at least: room for the seal
FORM_OPINION_ROWS: Final = 3  # 所在单位意见, 主管部门意见, 审批意见 at most
FORM_END_LINE: Final = 20  # 1 pt: the empty paragraph Word requires after the table
FORM_END_SIZE: Final = 2  # 1 pt text in that paragraph
FORM_PAGE_SLACK: Final = 200  # rules and renderer rounding on a full page
FORM_SPARE_LINES: Final = 2  # a short page still fits two wrapped field values or honours
# （盖章） over 年　　月　　日 at the lower right of an opinion cell: the date 右空二字,
# the seal text centred over it, both at the bottom of a minimum-height cell.
FORM_SEAL_TEXT: Final = "（盖章）"
FORM_DATE_TEXT: Final = "年　　月　　日"
FORM_DATE_RIGHT_INDENT: Final = 2 * CHAR_WIDTH_XIAOSI  # 480
FORM_SEAL_RIGHT_INDENT: Final = FORM_DATE_RIGHT_INDENT + (
    (len(FORM_DATE_TEXT) - len(FORM_SEAL_TEXT)) * CHAR_WIDTH_XIAOSI // 2
)  # 840
FORM_CELL_BOTTOM_GAP: Final = 141  # 2.5 mm below the date line
# Note line, seal line, date line: the space before the seal fills the minimum height.
FORM_SEAL_SPACE_BEFORE: Final = FORM_OPINION_ROW_HEIGHT - 3 * FORM_LINE - FORM_CELL_BOTTOM_GAP
FORM_STORY_INDENT: Final = 2 * CHAR_WIDTH_XIAOSI  # 事迹正文 first line 2 字
FORM_STORY_LABEL: Final = "主\n要\n事\n迹"  # vertical, one character a line

# --- Style names: one named style per GB/T element ---------------------------------
# The body style is Word's built-in Normal: Chinese Word and WPS display it as
# "正文", and a user style literally named "正文" would clash with that name.
STYLE_BODY: Final = "Normal"
STYLE_BODY_DISPLAY: Final = "正文"
STYLE_TITLE: Final = "公文标题"
STYLE_ADDRESSEE: Final = "主送机关"
STYLE_HEADING_1: Final = "一级标题"
STYLE_HEADING_2: Final = "二级标题"  # character style for the （一） run inside a body paragraph
STYLE_ATTACHMENT_NOTE: Final = "附件说明"
STYLE_SIGNATURE: Final = "署名"
STYLE_DATE: Final = "成文日期"
STYLE_ATTACHMENT_LABEL: Final = "附件标签"
STYLE_ATTACHMENT_TITLE: Final = "附件标题"
STYLE_TABLE_HEADER: Final = "表格表头"
STYLE_TABLE_TEXT: Final = "表格文字"
STYLE_PAGE_NUMBER: Final = "页码"
# A picture paragraph keeps single (auto) line spacing: an exact line would clip the picture.
STYLE_CHART: Final = "图表"
STYLE_CHART_CAPTION: Final = "图表标题"
# The issuing notice (印发通知) around the plan.
STYLE_AUTHORITY: Final = "发文机关标志"
STYLE_DOC_NUMBER: Final = "发文字号"
STYLE_REMARK: Final = "附注"  # （此件公开发布）
STYLE_COPY_TO: Final = "抄送机关"
STYLE_PRINTER: Final = "印发机关"
# Nomination forms (推荐表).
STYLE_FORM_NUMBER: Final = "表格编号"  # 编号：N03, right-aligned above the table
STYLE_FORM_LABEL: Final = "表格标签"  # 黑体 label cells
STYLE_FORM_TEXT: Final = "表格内容"  # 仿宋 value cells
STYLE_FORM_STORY: Final = "事迹正文"  # 主要事迹 paragraphs
STYLE_FORM_SEAL: Final = "盖章"  # （盖章）
STYLE_FORM_DATE: Final = "盖章日期"  # 年　　月　　日
STYLE_TABLE_END: Final = "表后段落"  # the 1 pt paragraph after a full-page table

# --- Numbering and dates -----------------------------------------------------------
CHINESE_NUMERALS: Final = "一二三四五六七八九十百"
HEADING_1_PATTERN: Final = rf"[{CHINESE_NUMERALS}]+、"
HEADING_2_PATTERN: Final = rf"（[{CHINESE_NUMERALS}]+）"
HEADING_3_PATTERN: Final = r"\d+\."
HEADING_4_PATTERN: Final = r"（\d+）"
DATE_PATTERN: Final = r"\d{4}年[1-9]\d?月[1-9]\d?日"
