"""Files the tests make: real PDFs and images built with reportlab and Pillow."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

REPORT_LINES = [
    "SURGICAL PATHOLOGY REPORT",
    "FINAL DIAGNOSIS: Invasive ductal carcinoma, Nottingham grade 2.",
    "Estrogen receptor: POSITIVE (90%). Progesterone receptor: NEGATIVE.",
    "HER2 by IHC: 1+ (negative). Ki-67: 15%.",
]


def text_pdf(pages: list[list[str]]) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    for lines in pages:
        y = 720
        for line in lines:
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()
    return buf.getvalue()


def report_pdf(n_pages: int = 1) -> bytes:
    return text_pdf(
        [[f"Page {i} of {n_pages}"] + REPORT_LINES for i in range(1, n_pages + 1)]
    )


def two_column_pdf(left: list[str], right: list[str]) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    for x, lines in ((60, left), (330, right)):
        y = 720
        for line in lines:
            c.drawString(x, y, line)
            y -= 16
    c.showPage()
    c.save()
    return buf.getvalue()


def table_pdf(rows: list[list[str]]) -> bytes:
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=letter)
    table = Table(rows)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    doc.build([table])
    return buf.getvalue()


def text_image(lines: list[str], fmt: str = "PNG") -> bytes:
    font = ImageFont.load_default(size=36)
    image = Image.new("L", (1700, 120 + 60 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((60, 60 + 60 * i), line, fill=0, font=font)
    buf = io.BytesIO()
    image.save(buf, format=fmt)
    return buf.getvalue()


def image_only_pdf(lines: list[str]) -> bytes:
    image = Image.open(io.BytesIO(text_image(lines))).convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format="PDF", resolution=150)
    return buf.getvalue()


def encrypted_pdf(password: str = "s3cret") -> bytes:
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(report_pdf(1))).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def truncated_pdf() -> bytes:
    data = report_pdf(3)
    return data[: len(data) // 2]


WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
