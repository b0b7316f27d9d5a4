"""Reading uploaded spreadsheets (.xlsx, or .csv in UTF-8 or GBK) for the import jobs, checking
an upload before it is stored for one, and writing a list as an .xlsx download."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from hitsm.core.errors import ValidationFailed

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_CELL_MAX = 32_767


class UnreadableSpreadsheet(Exception):
    """The file cannot be read as a table; the message says why, in Chinese."""


def spreadsheet_tables(content: bytes, filename: str) -> list[tuple[str, list[list[Any]]]]:
    """Each sheet's title and raw rows (a CSV file is one sheet named after the file)."""
    lowered = filename.lower()
    if lowered.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise UnreadableSpreadsheet(_("无法读取 Excel 文件，请使用模板另存为 .xlsx")) from exc
        return [
            (worksheet.title, [list(r) for r in worksheet.iter_rows(values_only=True)])
            for worksheet in workbook.worksheets
        ]
    if lowered.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UnreadableSpreadsheet(_("CSV 文件编码无法识别，请使用 UTF-8 或 GBK"))
        return [(filename, [list(r) for r in csv.reader(io.StringIO(text))])]
    raise UnreadableSpreadsheet(_("只支持 .xlsx 或 .csv 文件"))


def import_upload_store(upload: UploadedFile | None, *, prefix: str = "imports") -> tuple[str, str]:
    """Check an uploaded import file (type, size, real .xlsx content) and store it for the job.

    Returns ``(storage path, original file name)``; bad files raise ``ValidationFailed``.
    """
    if upload is None:
        raise ValidationFailed(fields={"file": [_("请选择要导入的文件")]})
    name = upload.name or ""
    if not name.lower().endswith((".xlsx", ".csv")):
        raise ValidationFailed(
            _("只支持 .xlsx 或 .csv 文件"),
            code="import.invalid_file",
            fields={"file": [_("只支持 .xlsx 或 .csv 文件")]},
        )
    if upload.size and upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationFailed(
            _("文件过大"),
            code="import.invalid_file",
            fields={
                "file": [
                    _("文件不能超过 %(n)d MB") % {"n": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
                ]
            },
        )
    head = upload.read(4)
    upload.seek(0)
    if name.lower().endswith(".xlsx") and head != b"PK\x03\x04":
        raise ValidationFailed(
            _("文件内容不是有效的 Excel (.xlsx)"),
            code="import.invalid_file",
            fields={"file": [_("文件内容不是有效的 Excel (.xlsx)")]},
        )
    path = default_storage.save(
        f"{prefix}/{uuid.uuid4().hex}-{name[-40:]}", ContentFile(upload.read())
    )
    return path, name


def xlsx_text(value: Any) -> Any:
    """A value as a cell can hold it: text without the control characters Excel refuses
    (user input may carry them), cut at Excel's cell limit; other values unchanged."""
    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_CELL_MAX]


def xlsx_download(
    *, sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str
) -> HttpResponse:
    """One sheet, a header row and the rows, as an attachment. Text stays text: a value that
    starts with ``=`` is not turned into a formula (data written by users must not run in the
    reader's Excel), characters Excel refuses are dropped, and long text is cut at Excel's limit."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append(list(header))

    def cell(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = WriteOnlyCell(worksheet, value=xlsx_text(value))
        text.data_type = "s"
        return text

    for row in rows:
        worksheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
