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
