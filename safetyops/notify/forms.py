from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PreferencesForm(forms.Form):
    email = forms.BooleanField(label=_("电子邮件"), required=False)
    email_address = forms.EmailField(
        label=_("接收邮箱"), required=False, help_text=_("不填则不发送电子邮件。"), max_length=254
    )
    sms = forms.BooleanField(label=_("短信"), required=False)

    def __init__(self, *args: Any, sms_available: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sms_available = sms_available
        if not sms_available:
            self.fields["sms"].disabled = True
            self.fields["sms"].help_text = _("本系统尚未开通短信通道。")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("email") and not data.get("email_address"):
            self.add_error("email_address", _("选择接收电子邮件时，请填写接收邮箱。"))
        if not self.sms_available:
            data["sms"] = False
        return data
