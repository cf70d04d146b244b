"""Demo photos for the seed commands (the demo's 整改前/整改后 and activity photos): real JPEG bytes
that pass the upload checks, drawn with PIL. Lives in the kit so that every domain app's seed can
use it."""

from __future__ import annotations

import io
import random
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

FONT = Path(settings.BASE_DIR) / "static/vendor/fonts/noto-sans-sc/NotoSansSC-Regular.otf"


def photo(text: str, colour: str, rng: random.Random, *, name: str = "") -> SimpleUploadedFile:
    """A 640×480 JPEG of `colour` with a few random frames and `text` written on it, named
    `name`.jpg (`text`.jpg by default)."""
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(640), rng.randrange(480)
        draw.rectangle((x, y, x + rng.randrange(40, 160), y + rng.randrange(20, 90)), outline="white", width=3)
    font = ImageFont.truetype(str(FONT), 42) if FONT.exists() else ImageFont.load_default()
    draw.text((24, 24), text, fill="white", font=font)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"{name or text}.jpg", buffer.getvalue(), content_type="image/jpeg")
