"""A generated issue with pictures (made once per test module, deterministic): landscape and
portrait photos with GPS in their EXIF, a large screenshot, a HEIC phone photo, RGBA QR-like
codes in a group, and one picture placed low on a page."""

from __future__ import annotations

import random
from pathlib import Path

PARAGRAPH = "协会秘书处组织会员单位开展调研活动，围绕企业发展中遇到的实际困难深入交流，形成了一批务实可行的工作建议。" * 3
GPS_IFD = 0x8825


def photo(path: Path, size: tuple[int, int], seed: int, fmt: str = "JPEG") -> None:
    """A noisy gradient (compresses like a photo) with camera EXIF and a GPS position."""
    from PIL import Image

    from typeset.figures.decode import register_heif

    register_heif()  # pillow-heif writes HEIC too

    rng = random.Random(seed)
    small = Image.new("RGB", (size[0] // 8, size[1] // 8))
    small.putdata([(x * 255 // small.width, y * 255 // small.height, rng.randrange(256))
                   for y in range(small.height) for x in range(small.width)])
    image = small.resize(size, Image.Resampling.BILINEAR)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)})
    image.save(path, fmt, exif=exif.tobytes(), quality=92)


def screenshot(path: Path, size: tuple[int, int]) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (236, 240, 244))
    draw = ImageDraw.Draw(image)
    for k in range(0, size[1], 40):
        draw.rectangle([40, k + 8, size[0] - 40 - (k * 7) % 300, k + 28], fill=(40 + k % 200, 90, 160))
    image.save(path, "PNG")


def qr_code(path: Path, seed: int, pixels: int = 410) -> None:
    from PIL import Image

    rng = random.Random(seed)
    cells = Image.new("LA", (41, 41), (0, 0))
    cells.putdata([(0, 255) if rng.random() < 0.5 else (255, 0) for _ in range(41 * 41)])
    cells.convert("RGBA").resize((pixels, pixels), Image.Resampling.NEAREST).save(path, "PNG")


LINES = [
    "☆ 协会召开年度工作会议",
    PARAGRAPH,
    "【图】imgs/会场全景.jpg 年度工作会议会场全景（摄影：王明）",
    PARAGRAPH,
    "【图】imgs/portrait.jpg 会长在会上作工作报告",
    PARAGRAPH * 2,
    "【图】imgs/screen.png 协会网站新版首页截图",
    PARAGRAPH,
    "☆ 走访会员企业",
    PARAGRAPH * 3,
    "【图】imgs/factory.heic 走访企业生产车间",
    PARAGRAPH,
    "【图】imgs/visit1.jpg 座谈交流",
    "【图】imgs/visit2.jpg 参观展厅",
    PARAGRAPH * 2,
    "【图】imgs/award.webp 颁奖现场",
    PARAGRAPH,
    "☆ 欢迎加入会员交流群",
    "请扫描下列二维码加入交流群。",
    "【图】imgs/qr1.png 微信群",
    "【图】imgs/qr2.png QQ 群",
    "【图】imgs/qr3.png 公众号",
    PARAGRAPH * 4,
    "【图】imgs/foot.jpg 会议合影",
    PARAGRAPH * 2,
]


def make_issue(folder: Path) -> Path:
    images = folder / "imgs"
    images.mkdir(parents=True)
    photo(images / "会场全景.jpg", (2400, 1600), 1)
    photo(images / "portrait.jpg", (1200, 1600), 2)
    screenshot(images / "screen.png", (2560, 1440))
    photo(images / "factory.heic", (1200, 900), 3, "HEIF")
    photo(images / "visit1.jpg", (1200, 900), 4)
    photo(images / "visit2.jpg", (1200, 900), 5)
    photo(images / "award.webp", (1800, 1200), 6, "WEBP")
    for k in (1, 2, 3):
        qr_code(images / f"qr{k}.png", k)
    photo(images / "foot.jpg", (1800, 1200), 7)
    (folder / "issue.toml").write_text('title = "图片会刊"\nyear = 2026\nnumber = 3\ndate = 2026-03-15\n'
                                       'publisher = "测试协会秘书处"\npaper = "A4"\npad_to = 4\n', encoding="utf-8")
    (folder / "01-协会动态.txt").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return folder


# --- A mixed issue as a new secretary sends it: a Word minutes file with 4 photos, a table and a
# footnote, then a text section with 5 photos and a group of 3 QR codes -------------------------

MINUTES = [
    "会议听取了秘书处关于上半年工作情况的汇报，与会理事围绕会员服务、行业调研和人才培养等议题展开讨论。" * 2,
    "会议认为，协会上半年认真贯彻年度工作部署，各项工作有序推进，会员满意度进一步提升。" * 3,
    "会议强调，下半年要聚焦会员需求，办好专题培训和对接活动，加强与兄弟协会的交流合作。" * 2,
    "会议审议通过了新会员入会申请，并对年度优秀会员单位评选办法提出了修改意见。" * 3,
]
NEWS = [
    "☆ 秋季会员活动",
    PARAGRAPH,
    "【图】imgs/autumn1.jpg 会员单位代表参观企业展厅",
    PARAGRAPH * 2,
    "【图】imgs/autumn2.jpg 专题培训现场",
    PARAGRAPH,
    "☆ 行业调研",
    PARAGRAPH * 2,
    "【图】imgs/survey.png 调研问卷统计界面截图",
    PARAGRAPH,
    "【图】imgs/survey2.jpg 调研组与企业负责人座谈",
    PARAGRAPH * 3,
    "【图】imgs/team.jpg 调研组合影",
    PARAGRAPH,
    "☆ 关注我们",
    "请扫描下列二维码关注协会公众号、加入会员群。",
    "【图】imgs/qr-a.png 公众号",
    "【图】imgs/qr-b.png 会员群",
    "【图】imgs/qr-c.png 视频号",
    PARAGRAPH * 2,
]


def minutes_docx(path: Path, images: list[Path]) -> Path:
    """会议纪要 in Word: a title, paragraphs, 4 photos with captions, a table and a footnote (its
    part taken from the footnote fixture: python-docx cannot make one)."""
    import io
    import zipfile

    import docx
    from docx.oxml import parse_xml
    from docx.shared import Cm

    document = docx.Document()
    document.add_heading("协会召开第五届理事会第三次会议", level=1)
    for k, text in enumerate(MINUTES):
        paragraph = document.add_paragraph(text)
        if k == 0:
            paragraph._p.append(parse_xml(f'<w:r {_W}><w:footnoteReference w:id="1"/></w:r>'))
        document.add_paragraph().add_run().add_picture(str(images[k]), width=Cm(14 if k % 2 == 0 else 10))
        document.add_paragraph(f"图{k + 1} 理事会会议现场（{k + 1}）", style="Caption")
    table = document.add_table(rows=4, cols=3)
    rows = [("议题", "汇报人", "结果"), ("上半年工作汇报", "秘书长", "通过"), ("新会员入会申请", "副秘书长", "通过"),
            ("优秀会员评选办法", "秘书处", "修改后再议")]
    for row, cells in zip(table.rows, rows):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.add_paragraph("会议要求各理事单位于九月底前将意见书面反馈秘书处。")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(FOOTNOTES) as fixture:
        notes = fixture.read("word/footnotes.xml").decode("utf-8").replace("A tachyon walks into a bar.", "另有两名理事书面请假。")
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename).decode("utf-8") if info.filename.endswith((".xml", ".rels")) else None
            if info.filename == "[Content_Types].xml":
                data = data.replace("</Types>", f'<Override PartName="/word/footnotes.xml" ContentType="{_NOTES_TYPE}"/></Types>')
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace("</Relationships>", f'<Relationship Id="rIdNotes" Type="{_NOTES_REL}" '
                                    'Target="footnotes.xml"/></Relationships>')
            new.writestr(info, old.read(info.filename) if data is None else data.encode("utf-8"))
        new.writestr("word/footnotes.xml", notes.encode("utf-8"))
    return path


FOOTNOTES = Path(__file__).resolve().parent / "fixtures" / "word" / "footnotes.docx"
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_NOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_NOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def make_mixed_issue(folder: Path) -> Path:
    """The mixed issue of issue 21: Word minutes, a text section with photos and a QR group."""
    images = folder / "imgs"
    images.mkdir(parents=True)
    word = [images / f"minutes{k}.jpg" for k in range(4)]
    for k, path in enumerate(word):
        photo(path, (1600, 1200) if k % 2 == 0 else (1200, 1600), 20 + k)
    photo(images / "autumn1.jpg", (2400, 1600), 11)
    photo(images / "autumn2.jpg", (1600, 1200), 12)
    screenshot(images / "survey.png", (1920, 1080))
    photo(images / "survey2.jpg", (1200, 1600), 13)
    photo(images / "team.jpg", (2400, 1350), 14)
    for k, name in enumerate("abc"):
        qr_code(images / f"qr-{name}.png", 30 + k)
    (folder / "issue.toml").write_text('title = "协会通讯"\nyear = 2026\nnumber = 9\ndate = 2026-09-20\n'
                                       'publisher = "测试协会秘书处"\npaper = "A4"\npad_to = 4\n', encoding="utf-8")
    minutes_docx(folder / "01-会议纪要.docx", word)
    (folder / "02-协会动态.txt").write_text("\n".join(NEWS) + "\n", encoding="utf-8")
    for path in word:
        path.unlink()  # in the Word file only
    return folder
