"""The inspectors' XLSX: Chinese headers, personal data only masked (never a pseudonym or a
clear ID number), blank columns for the result so the sheet can come back as a delivery.

Inert: institution names, addresses and reasons come from the districts' deliveries, so a
text cell is written with ``write_string`` after :func:`neutralise` (an institution named
``=HYPERLINK(…)`` stays text), numbers with ``write_number``, and the workbook never turns
strings into formulas or links by itself."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter

from pipelines.lib.export_safety import neutralise_text
from pipelines.risk.spotcheck import Draw

# xlsxwriter's write() would turn '=…' into a formula and 'http://…' into a link; every cell
# goes through write_string/write_number anyway, these are the second lock
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}

CLASS_COLUMNS = {
    "item_no": "序号",
    "district_code": "区划代码",
    "district_name_zh": "区",
    "institution_id": "机构编号",
    "institution_name": "机构名称",
    "class_id": "班级编号",
    "occupation_name": "职业(工种)",
    "start_date": "开班日期",
    "end_date": "结班日期",
    "site_address": "培训地址",
    "score": "风险分",
    "reasons_zh": "主要风险原因",
    "drawn_by_zh": "抽取方式",
}
RECORD_COLUMNS = {
    "class_id": "班级编号",
    "session_id": "课次编号",
    "record_id": "考勤记录编号",
    "id_number_masked": "身份证号(脱敏)",
    "checked_at": "打卡时间",
    "punch_method": "打卡方式",
    "face_score": "人脸比对分",
}
RESULT_COLUMNS = ("检查日期", "检查结果(合格/不合格)", "问题描述")
DRAWN_BY_ZH = {"risk": "风险加权", "random": "随机"}


def _sheet(book, name: str, frame: pl.DataFrame, columns: dict[str, str], extra=()) -> None:
    ws = book.add_worksheet(name)
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    headers = [columns[c] for c in columns if c in frame.columns] + list(extra)
    for j, h in enumerate(headers):
        ws.write_string(0, j, h, head)
        ws.set_column(j, j, max(10, min(40, 2 * len(h) + 4)))
    cols = [c for c in columns if c in frame.columns]
    for i, row in enumerate(frame.select(cols).iter_rows(), start=1):
        for j, v in enumerate(row):
            if isinstance(v, int | float) and not isinstance(v, bool):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, neutralise_text(v))
    ws.freeze_panes(1, 0)


def write_xlsx(path: Path, draw: Draw, classes: pl.DataFrame, records: pl.DataFrame) -> Path:
    """``classes``: the drawn items with display columns; ``records``: the drawn punches."""
    path.parent.mkdir(parents=True, exist_ok=True)
    classes = classes.with_columns(
        pl.col("drawn_by").replace_strict(DRAWN_BY_ZH, default="").alias("drawn_by_zh")
    )
    book = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    try:
        _sheet(book, "抽查班级", classes, CLASS_COLUMNS, RESULT_COLUMNS)
        _sheet(book, "抽查考勤", records, RECORD_COLUMNS, RESULT_COLUMNS)
        about = pl.DataFrame(
            {
                "项目": [
                    "抽查周",
                    "随机种子",
                    "候选班级数",
                    "抽取班级数",
                    "抽取考勤记录数",
                    "随机抽取比例",
                    "每区最少",
                    "抽取时间",
                ],  # fmt: skip
                "值": [
                    draw.week,
                    str(draw.seed),
                    str(draw.candidates),
                    str(draw.items.height),
                    str(draw.records.height),
                    f"{draw.params['random_share']:.0%}",
                    str(draw.params["min_per_district"]),
                    f"{draw.drawn_at:%Y-%m-%d %H:%M:%S}",
                ],
            }
        )
        _sheet(book, "抽取说明", about, {"项目": "项目", "值": "值"})
    finally:
        book.close()
    return path
