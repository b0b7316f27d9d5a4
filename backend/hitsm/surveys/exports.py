"""The monthly summary as an Excel workbook and as a PDF report (Chinese text in ReportLab's
built-in CID font STSong-Light: readers' PDF viewers supply the glyphs, no font file ships)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

BREAKDOWNS = (
    ("by_department", gettext_lazy("按科室")),
    ("by_group", gettext_lazy("按支持组")),
    ("by_engineer", gettext_lazy("按工程师")),
    ("by_item", gettext_lazy("按服务项")),
)
PDF_FONT = "STSong-Light"


def _number(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if percent else f"{value:.2f}"


def _labels(summary: dict[str, Any]) -> list[tuple[str, str]]:
    return [(q["key"], q["label"]) for q in summary["questions"]]


def _header(summary: dict[str, Any], first: str) -> list[str]:
    labels = [label for _key, label in _labels(summary)]
    return [
        first,
        str(_("发送")),
        str(_("回收")),
        str(_("回收率")),
        str(_("平均分")),
        str(_("满意率")),
        *labels,
        *(str(_("%(q)s 1–5 分布")) % {"q": label} for label in labels),
        str(_("前三个月平均分")),
        str(_("变化")),
    ]


def _row(summary: dict[str, Any], name: str, stats: dict[str, Any]) -> list[Any]:
    keys = [key for key, _label in _labels(summary)]
    return [
        name,
        stats["sent"],
        stats["answered"],
        _number(stats["response_rate"], percent=True),
        _number(stats["average"]),
        _number(stats["satisfied_rate"], percent=True),
        *(_number(stats["averages"].get(key)) for key in keys),
        *("/".join(map(str, stats["distribution"].get(key, []))) for key in keys),
        _number(stats["previous_average"]),
        _number(stats["change"]),
    ]


def _text(value: Any) -> Any:
    """Users' text stays text in Excel: never a formula, no characters Excel refuses."""
    if isinstance(value, str):
        cleaned = ILLEGAL_CHARACTERS_RE.sub("", value)
        return "'" + cleaned if cleaned.startswith(("=", "+", "-", "@")) else cleaned
    return value


def summary_xlsx(summary: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str(_("概览"))
    sheet.append([str(_("满意度月报 %(m)s")) % {"m": summary["month"]}])
    sheet.append(_header(summary, str(_("范围"))))
    sheet.append(_row(summary, str(_("全院")), summary["overall"]))
    sheet.append([])
    sheet.append(
        [str(_("月份")), str(_("发送")), str(_("回收")), str(_("回收率")), str(_("平均分"))]
    )
    for point in summary["overall"]["trend"]:
        sheet.append(
            [
                point["month"],
                point["sent"],
                point["answered"],
                _number(point["response_rate"], percent=True),
                _number(point["average"]),
            ]
        )
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for key, title in BREAKDOWNS:
        part = book.create_sheet(str(title))
        part.append(_header(summary, str(_("名称"))))
        for cell in part[1]:
            cell.font = Font(bold=True)
        for group in summary[key]:
            part.append([_text(v) for v in _row(summary, group["name"], group)])
    worst = book.create_sheet(str(_("差评意见")))
    worst.append(
        [
            str(_("工单")),
            str(_("标题")),
            str(_("科室")),
            str(_("工程师")),
            str(_("平均分")),
            str(_("意见建议")),
        ]
    )
    for comment in summary["overall"]["worst_comments"]:
        worst.append(
            [
                _text(comment["ticket_number"]),
                _text(comment["ticket_title"]),
                _text(comment["department"]),
                _text(comment["engineer"]),
                comment["average"],
                _text(comment["comment"]),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def summary_pdf(summary: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    title = str(_("满意度月报 %(m)s")) % {"m": summary["month"]}
    heading = ParagraphStyle("heading", fontName=PDF_FONT, fontSize=16, leading=22)
    section = ParagraphStyle("section", fontName=PDF_FONT, fontSize=12, leading=18, spaceBefore=8)
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=8, leading=11)
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), PDF_FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    labels = [label for _key, label in _labels(summary)]

    def table(rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None) -> Table:
        cells = [[Paragraph(_escape(str(v)), body) for v in row] for row in rows]
        return Table(cells, colWidths=widths, repeatRows=1, style=style)

    def compact(name: str, stats: dict[str, Any]) -> list[Any]:
        return [
            name,
            stats["sent"],
            stats["answered"],
            _number(stats["response_rate"], percent=True),
            _number(stats["average"]),
            _number(stats["satisfied_rate"], percent=True),
            *(_number(stats["averages"].get(q["key"])) for q in summary["questions"]),
            _number(stats["change"]),
        ]

    head = [
        str(_("名称")),
        str(_("发送")),
        str(_("回收")),
        str(_("回收率")),
        str(_("平均分")),
        str(_("满意率")),
        *labels,
        str(_("较前三月")),
    ]
    story: list[Any] = [Paragraph(_escape(title), heading), Spacer(1, 4 * mm)]
    story.append(table([head, compact(str(_("全院")), summary["overall"])]))
    story.append(Paragraph(_escape(str(_("近四个月趋势"))), section))
    story.append(
        table(
            [
                [
                    str(_("月份")),
                    str(_("发送")),
                    str(_("回收")),
                    str(_("回收率")),
                    str(_("平均分")),
                ],
                *(
                    [
                        p["month"],
                        p["sent"],
                        p["answered"],
                        _number(p["response_rate"], percent=True),
                        _number(p["average"]),
                    ]
                    for p in [
                        *summary["overall"]["trend"],
                        {"month": summary["month"], **summary["overall"]},
                    ]
                ),
            ]
        )
    )
    story.append(Paragraph(_escape(str(_("评分分布（1–5 分）"))), section))
    story.append(
        table(
            [
                [str(_("评分项")), "1", "2", "3", "4", "5"],
                *(
                    [q["label"], *summary["overall"]["distribution"].get(q["key"], [])]
                    for q in summary["questions"]
                ),
            ]
        )
    )
    for key, name in BREAKDOWNS:
        story.append(Paragraph(_escape(str(name)), section))
        rows = [compact(g["name"], g) for g in summary[key]]
        story.append(table([head, *rows]) if rows else Paragraph("—", body))
    story.append(Paragraph(_escape(str(_("评分最低的意见"))), section))
    worst = summary["overall"]["worst_comments"]
    story.append(
        table(
            [
                [
                    str(_("工单")),
                    str(_("科室")),
                    str(_("工程师")),
                    str(_("平均分")),
                    str(_("意见")),
                ],
                *(
                    [
                        c["ticket_number"],
                        c["department"],
                        c["engineer"],
                        _number(c["average"]),
                        c["comment"],
                    ]
                    for c in worst
                ),
            ],
            widths=[32 * mm, 30 * mm, 24 * mm, 16 * mm, 150 * mm],
        )
        if worst
        else Paragraph("—", body)
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        subject=f"HITSM satisfaction summary {summary['month']}",
        author="HITSM",
    )
    document.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    """Paragraph text is a small markup language: users' text must not be read as tags."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
