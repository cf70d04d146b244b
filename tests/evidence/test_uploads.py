"""Evidence uploads: a photo is refused by its declared pixel count before anything is decoded."""

from __future__ import annotations

import struct
import time
import tracemalloc
import zlib
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile, PngImagePlugin

from inspections import services
from inspections.models import Hazard
from inspections.services import HazardStepError
from safetyops.evidence.models import Attachment
from safetyops.evidence.uploads import UploadRejected, inspect_upload
from tests.conftest import World
from tests.inspections.conftest import jpeg


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 12000, height: int = 12000, rows_per_block: int = 100) -> SimpleUploadedFile:
    """A valid all-black RGB PNG of width x height (432 MB once decoded) in about 400 KB, built
    without holding its pixels: a block of rows, deflated with a full flush so that each copy
    stands alone, is repeated inside one zlib stream."""
    rows = (b"\x00" + b"\x00" * (width * 3)) * rows_per_block
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(rows) + compressor.flush(zlib.Z_FULL_FLUSH)
    blocks = height // rows_per_block
    adler = 1
    for _ in range(blocks):
        adler = zlib.adler32(rows, adler)
    ending = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    stream = b"\x78\xda" + block * blocks + ending + struct.pack(">I", adler)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")
    return SimpleUploadedFile("巡查照片.png", data, content_type="image/png")


def forbid_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    monkeypatch.setattr(PngImagePlugin.PngImageFile, "verify", refuse)


def test_the_bomb_is_a_real_png() -> None:
    bomb = png_bomb(width=3000, height=2000)
    with Image.open(bomb) as image:
        image.load()
        assert image.size == (3000, 2000) and image.getextrema() == ((0, 0), (0, 0), (0, 0))


def test_a_pixel_bomb_is_refused_from_its_header(
    world: World, hazard_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    hazard = hazard_factory(status="rectifying")
    forbid_decoding(monkeypatch)
    bomb = png_bomb()
    assert bomb.size < 500_000
    attachments = Attachment.objects.count()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(HazardStepError) as raised:
            services.hazard_report_completion(
                actor=world.enterprise_a,
                hazard_id=hazard.pk,
                description="已整改",
                money_spent=Decimal(1),
                after_photos=[bomb],
            )
        seconds, peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    # Before: decoded in full, 5.5-7.8 s and 1.2 GB per upload.
    assert "“巡查照片.png”的分辨率为 12000×12000（约 144 百万像素），超过上限 40 百万像素" in str(raised.value)
    assert seconds < 1 and peak < 20_000_000
    assert Hazard.objects.get(pk=hazard.pk).status == Hazard.Status.RECTIFYING
    assert Attachment.objects.count() == attachments


def test_the_limit_is_the_setting(settings: Any) -> None:
    settings.EVIDENCE_MAX_PIXELS = 10_000
    assert inspect_upload(jpeg(size=(100, 100))).kind == Attachment.Kind.IMAGE
    with pytest.raises(UploadRejected, match="101×100"):
        inspect_upload(jpeg(size=(101, 100)))


def test_what_pillow_refuses_to_open_gets_the_same_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # 64 x 48 is more than twice that
    with pytest.raises(UploadRejected, match="分辨率超过上限 40 百万像素"):
        inspect_upload(jpeg())
