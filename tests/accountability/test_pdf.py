"""A letter's PDF: the document as signed, the signature block, and the signed text embedded so that
anyone holding the PDF can recompute the printed SHA-256 (pdfdetach + sha256sum); the 签署核验 page."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability import services
from accountability.models import Letter
from accountability.pdf import SIGNED_TEXT_NAME, letter_pdf
from safetyops.evidence import signing
from tests.accountability.factories import county_template, issued_letter, issued_pledge
from tests.briefings.conftest import pdf_text, squeezed
from tests.conftest import World
from tests.inspections.conftest import pdf as pdf_upload

pytestmark = pytest.mark.django_db


def _signed(world: World) -> Letter:
    letter = issued_letter(world)
    services.letter_sign(
        actor=world.leader_a,
        letter=letter,
        typed_name=signing.name_of(world.leader_a),
        confirmed=True,
        ip="10.1.2.3",
    )
    return Letter.objects.get(pk=letter.pk)


def _download(client: Any, user: Any, letter: Letter, tmp_path: Path) -> Path:
    client.force_login(user)
    response = client.get(reverse("accountability:letter_pdf", args=[letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    path = tmp_path / "letter.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def _detach(path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "t.txt"
    subprocess.run(["pdfdetach", "-save", "1", "-o", str(out), str(path)], check=True, capture_output=True)
    return out


def _sha256sum(path: Path) -> str:
    result = subprocess.run(["sha256sum", str(path)], check=True, capture_output=True, text=True)
    return result.stdout.split()[0]


def test_the_embedded_text_hashes_to_the_printed_sha256(client: Any, world: World, tmp_path: Path) -> None:
    letter = _signed(world)
    signature = letter.signature
    path = _download(client, world.leader_a, letter, tmp_path)
    listing = subprocess.run(["pdfdetach", "-list", str(path)], check=True, capture_output=True, text=True).stdout
    assert SIGNED_TEXT_NAME in listing
    extracted = _detach(path, tmp_path)
    assert _sha256sum(extracted) == signature.sha256 == letter.current_version.sha256
    assert extracted.read_text(encoding="utf-8") == letter.current_version.text
    text = squeezed(pdf_text(path))
    assert f"签署内容SHA-256：{signature.sha256}" in text
    # One character changed: the hash no longer matches.
    changed = tmp_path / "changed.txt"
    changed.write_text(extracted.read_text(encoding="utf-8").replace("5起", "6起", 1), encoding="utf-8")
    assert _sha256sum(changed) != signature.sha256
    assert not signing.verify(signature, changed.read_text(encoding="utf-8"))


def test_the_document_and_the_typed_signature_are_printed(client: Any, world: World, tmp_path: Path) -> None:
    letter = _signed(world)
    text = squeezed(pdf_text(_download(client, world.county_admin, letter, tmp_path)))
    assert "2026年度安全生产目标责任书" in text and "（2026年度）" in text
    assert "责任单位：东城镇" in text and "下达单位：安平县" in text
    assert "主要职责" in text and "党政同责、一岗双责" in text  # the body's markup rendered
    assert "一、控制指标" in text and "工矿商贸生产安全事故起数不超过5起" in text
    assert "二、工作目标" in text and "隐患整改率达到95%以上" in text
    assert "三、考核办法" in text and "年终考核，按分值计分。" in text and "30分" in text
    assert f"签署人：{signing.name_of(world.leader_a)}" in text
    assert "IP：10.1.2.3" in text and "第1版" in text and "（北京时间）" in text
    assert "pdfdetach" in text  # how to verify
    assert re.search(r"第1页共\d+页", text)
    assert "待签署" not in text


def test_an_unsigned_letter_prints_pending_and_embeds_nothing(client: Any, world: World, tmp_path: Path) -> None:
    letter = issued_letter(world)
    path = _download(client, world.official_a, letter, tmp_path)
    text = squeezed(pdf_text(path))
    assert "待签署" in text and "SHA-256" not in text and "签署人" not in text
    listing = subprocess.run(["pdfdetach", "-list", str(path)], check=True, capture_output=True, text=True).stdout
    assert listing.startswith("0 embedded files")


def test_a_scan_prints_the_name_on_paper_and_who_confirmed(world: World, tmp_path: Path) -> None:
    letter = issued_letter(world)
    services.letter_countersign(
        actor=world.county_admin, letter=letter, scan=pdf_upload("签字页.pdf"), signed_name="李镇长"
    )
    path = tmp_path / "scan.pdf"
    path.write_bytes(letter_pdf(Letter.objects.get(pk=letter.pk)))
    text = squeezed(pdf_text(path))
    assert "纸质文件签字人：李镇长" in text
    assert f"确认人：{world.county_admin.full_name or world.county_admin.username}" in text
    assert _sha256sum(_detach(path, tmp_path)) == Letter.objects.get(pk=letter.pk).signature.sha256


def test_user_text_is_escaped(world: World, tmp_path: Path) -> None:
    template = county_template(world, title="<b>加粗</b>承诺书", body="正文<script>x</script>", kind="pledge")
    services.template_address(actor=world.county_admin, template=template, units=[world.ent_a])
    services.template_issue(actor=world.county_admin, template=template)
    path = tmp_path / "escaped.pdf"
    path.write_bytes(letter_pdf(template.letters.get()))
    text = squeezed(pdf_text(path))
    assert "<b>加粗</b>承诺书" in text and "<script>x</script>" in text
    assert "承诺单位：东城化工有限公司" in text


def test_the_pdf_is_404_outside_the_letters_scope(client: Any, world: World) -> None:
    letter = issued_letter(world)
    url = reverse("accountability:letter_pdf", args=[letter.pk])
    for outsider in (world.official_b, world.enterprise_a, world.supervisor_a):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    pledge = issued_pledge(world)
    client.force_login(world.enterprise_b)
    assert client.get(reverse("accountability:letter_pdf", args=[pledge.pk])).status_code == 404
    client.force_login(world.enterprise_a)
    assert client.get(reverse("accountability:letter_pdf", args=[pledge.pk])).status_code == 200


# 签署核验 -----------------------------------------------------------------------------------------


def _verify(client: Any, user: Any, **data: Any) -> Any:
    client.force_login(user)
    return client.post(reverse("accountability:letter_verify"), data)


def test_the_verify_page_matches_text_and_hash_and_finds_the_letter(client: Any, world: World) -> None:
    letter = _signed(world)
    text, sha = letter.signature.text, letter.signature.sha256
    html = _verify(client, world.leader_a, text=text.replace("\n", "\r\n"), sha256=sha.upper()).content.decode()
    assert 'data-match="yes"' in html and sha in html
    assert str(letter.template.title) in html
    changed = _verify(client, world.leader_a, text=text.replace("5起", "6起"), sha256=sha).content.decode()
    assert 'data-match="no"' in changed


def test_the_verify_page_never_reveals_letters_outside_scope(client: Any, world: World) -> None:
    letter = _signed(world)
    html = _verify(client, world.official_b, sha256=letter.signature.sha256).content.decode()
    assert "data-found-none" in html and "东城镇" not in html
    inside = _verify(client, world.county_admin, sha256=letter.signature.sha256).content.decode()
    assert "data-found>" in inside and "东城镇" in inside


def test_the_verify_page_takes_the_extracted_file(client: Any, world: World) -> None:
    letter = _signed(world)
    upload = SimpleUploadedFile(SIGNED_TEXT_NAME, letter.signature.text.encode("utf-8"), content_type="text/plain")
    html = _verify(client, world.leader_a, file=upload, sha256=letter.signature.sha256).content.decode()
    assert 'data-match="yes"' in html
    assert hashlib.sha256(letter.signature.text.encode()).hexdigest() == letter.signature.sha256


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "字" * 40000}, "不能超过100 KB"),
        ({"sha256": "xyz"}, "64位十六进制"),
        ({}, "请粘贴签署原文"),
        ({"file": SimpleUploadedFile("t.txt", "责任书".encode("gbk"))}, "UTF-8"),
        ({"file": SimpleUploadedFile("t.txt", b"x" * (100 * 1024 + 1))}, "不能超过100 KB"),
    ],
)
def test_bad_input_gets_a_message(client: Any, world: World, data: dict[str, Any], message: str) -> None:
    response = _verify(client, world.official_a, **data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "data-verdict" not in html


def test_the_verify_page_needs_a_scope(client: Any, world: World) -> None:
    client.force_login(world.nobody)
    assert client.get(reverse("accountability:letter_verify")).status_code == 403
    client.force_login(world.enterprise_a)
    assert client.get(reverse("accountability:letter_verify")).status_code == 200


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "\u3000\n\t", "\ufeff", "=1+1"])
def test_odd_text_gets_an_answer_never_an_error(client: Any, world: World, text: str) -> None:
    response = _verify(client, world.official_a, text=text, sha256="0" * 64)
    assert response.status_code == 200


def _words(line: str) -> str:
    """A line of the signed text as the PDF prints it: without the letter markup's signs."""
    line = re.sub(r"^\s*(# |- |· |• )", "", line).replace("**", "")
    return squeezed(line)


def test_the_pdf_prints_the_signed_text_not_live_names(client: Any, world: World, tmp_path: Path) -> None:
    letter = _signed(world)
    signed_text = letter.current_version.text
    # Everything the text was made from changes after signing.
    type(world.town_a).objects.filter(pk=world.town_a.pk).update(name="改名镇")
    county = letter.template.node
    type(county).objects.filter(pk=county.pk).update(name="改名县")
    type(letter.template).objects.filter(pk=letter.template_id).update(
        title="改过的标题", body="改过的正文", assessment_method="改过的考核办法"
    )
    path = _download(client, world.leader_a, Letter.objects.get(pk=letter.pk), tmp_path)
    assert _detach(path, tmp_path).read_text(encoding="utf-8") == signed_text
    text = squeezed(pdf_text(path))
    assert "责任单位：东城镇" in text and "下达单位：安平县" in text
    for changed in ("改名镇", "改名县", "改过的标题", "改过的正文", "改过的考核办法"):
        assert changed not in text
    for line in signed_text.split("\n"):
        assert _words(line) in text, line


def test_the_lookup_limit_counts_only_letters_in_scope(world: World, monkeypatch: Any) -> None:
    from datetime import timedelta

    from accountability import verify
    from safetyops.evidence.models import Signature

    elsewhere = issued_letter(world, world.town_b)
    services.letter_countersign(
        actor=world.county_admin, letter=elsewhere, scan=pdf_upload("签字页.pdf"), signed_name="王镇长"
    )
    mine = _signed(world)
    # Town B's signature carries the same hash and comes first: outside town A's scope, it must
    # not take the only place in the list.
    Signature.objects.filter(pk=Letter.objects.get(pk=elsewhere.pk).signature_id).update(
        sha256=mine.signature.sha256, signed_at=mine.signature.signed_at - timedelta(days=1)
    )
    monkeypatch.setattr(verify, "SHOWN", 1)
    found = verify.signed_letters(world.leader_a, mine.signature.sha256)
    assert [match.letter.pk for match in found] == [mine.pk]
    assert [match.letter.pk for match in verify.signed_letters(world.county_admin, mine.signature.sha256)] == [
        elsewhere.pk
    ]
