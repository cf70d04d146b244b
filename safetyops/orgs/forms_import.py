"""The upload form of the enterprise import."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

ALLOWED_SUFFIXES = (".xlsx", ".csv")


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(
        label=_("企业信息表"),
        help_text=_("按模板填写的 .xlsx 或 .csv 文件。"),
        error_messages={
            "required": _("请选择要上传的文件。"),
            "empty": _("上传的文件是空的，请检查后重新选择。"),
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"}
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix == ".xls":
            raise forms.ValidationError(_("不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 格式后上传。"))
        if suffix not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("只能上传 .xlsx 或 .csv 文件，请使用下载的模板填写。"))
        if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("文件大小为 %(size)s，超过了 %(max)s 的上限。请删除多余的内容或拆分为多个文件后分别上传。")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(settings.IMPORT_MAX_BYTES)}
            )
        return upload
