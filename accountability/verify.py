"""签署核验: does a text have the SHA-256 a letter's PDF prints, and which signed letter (in the
user's scope, never outside it) carries that hash. The text is hashed in its canonical form
(safetyops/evidence/signing.py), so a copy pasted from a browser (CR LF) hashes alike."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from accountability.models import Letter, LetterVersion
from accountability.scope import letters_visible_to
from safetyops.evidence import signing
from safetyops.evidence.models import Signature

MAX_BYTES = 100 * 1024
HASH = re.compile(r"^[0-9a-f]{64}$")
SHOWN = 20


def clean_hash(raw: str) -> str:
    """A pasted hash without spaces, line breaks or the "sha256:" a tool may print, in lower case."""
    text = re.sub(r"\s+", "", raw or "").lower()
    return text.removeprefix("sha256:").removeprefix("sha-256:")


@dataclass
class Match:
    letter: Letter
    version: int
    signed_name: str
    signed_at: Any
    current: bool  # the letter's signature now (not one of a version revised since)


@dataclass
class Verdict:
    text_hash: str | None = None  # SHA-256 of the text given
    given_hash: str | None = None
    matches: bool | None = None  # text and hash both given: equal?
    letters: list[Match] = field(default_factory=list)

    @property
    def looked_up(self) -> str | None:
        return self.given_hash or self.text_hash


def signed_letters(user: Any, sha256: str) -> list[Match]:
    """Signed letters in `user`'s scope whose signature (of any version) has `sha256`, at most SHOWN
    of them, the scope applied before the limit (a letter outside it never takes a place). Three
    queries."""
    version_type = ContentType.objects.get_for_model(LetterVersion)
    visible_versions = LetterVersion.objects.filter(letter__in=letters_visible_to(user).values("pk")).values("pk")
    signatures = list(
        Signature.objects.filter(owner_type=version_type, sha256=sha256, owner_id__in=visible_versions).order_by(
            "signed_at", "pk"
        )[:SHOWN]
    )
    if not signatures:
        return []
    versions = {
        pk: (letter_id, number)
        for pk, letter_id, number in LetterVersion.objects.filter(pk__in=[s.owner_id for s in signatures]).values_list(
            "pk", "letter_id", "number"
        )
    }
    letters = {
        letter.pk: letter
        for letter in letters_visible_to(user).filter(pk__in={letter_id for letter_id, _ in versions.values()})
    }
    found = []
    for signature in signatures:
        letter_id, number = versions.get(signature.owner_id, (0, 0))
        letter = letters.get(letter_id)
        if letter is None:
            continue
        found.append(
            Match(
                letter=letter,
                version=number,
                signed_name=signature.signed_name,
                signed_at=signature.signed_at,
                current=letter.signature_id == signature.pk,
            )
        )
    return found


def verify(user: Any, *, text: str | None, sha256: str | None) -> Verdict:
    verdict = Verdict()
    if text is not None:
        verdict.text_hash = signing.digest(text)
    if sha256:
        verdict.given_hash = sha256
    if verdict.text_hash and verdict.given_hash:
        verdict.matches = verdict.text_hash == verdict.given_hash
    if verdict.looked_up:
        verdict.letters = signed_letters(user, verdict.looked_up)
    return verdict


class VerifyForm(forms.Form):
    """The text (pasted, or the .txt taken out of the PDF) and/or a hash; at most MAX_BYTES."""

    text = forms.CharField(
        label=_("签署原文"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace"}),
        help_text=_("粘贴签署原文，或上传从PDF中取出的附件 signed-text.txt。"),
    )
    file = forms.FileField(label=_("或上传原文文件（.txt）"), required=False)
    sha256 = forms.CharField(
        label=_("SHA-256"),
        required=False,
        max_length=200,
        help_text=_("PDF上打印的“签署内容 SHA-256”，64位十六进制。"),
    )

    def clean_text(self) -> str | None:
        text = self.cleaned_data.get("text") or ""
        if len(text.encode("utf-8")) > MAX_BYTES:
            raise forms.ValidationError(_("原文不能超过100 KB。"))
        return text if text.strip() else None

    def clean_file(self) -> str | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("文件不能超过100 KB。"))
        data = upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise forms.ValidationError(_("文件不能超过100 KB。"))
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("文件须为UTF-8编码的文本（从PDF取出的 signed-text.txt 即是）。")) from None
        if not text.strip():
            raise forms.ValidationError(_("文件是空的。"))
        return text

    def clean_sha256(self) -> str | None:
        value = clean_hash(self.cleaned_data.get("sha256") or "")
        if not value:
            return None
        if not HASH.match(value):
            raise forms.ValidationError(_("SHA-256 应为64位十六进制字符（0-9、a-f）。"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("text") is not None and data.get("file") is not None:
            raise forms.ValidationError(_("请粘贴原文或上传文件，二者选一。"))
        if data.get("text") is None and data.get("file") is None and not data.get("sha256") and not self.errors:
            raise forms.ValidationError(_("请粘贴签署原文、上传原文文件或填写SHA-256。"))
        return data

    def content(self) -> str | None:
        return self.cleaned_data.get("text") or self.cleaned_data.get("file")
