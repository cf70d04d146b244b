from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safetyops.notify.models import WebhookEndpoint
from safetyops.notify.rules import known_reasons


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


class WebhookEndpointForm(forms.ModelForm):
    """The 群机器人 form: the reminders to push are ticked by their Chinese names, stored as codes."""

    reasons = forms.MultipleChoiceField(
        label=_("只推送这些提醒"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("都不勾选表示推送本区域及下级区域的全部提醒。"),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "node", "kind", "url", "secret", "reasons", "active"]
        field_classes = {"url": functools.partial(forms.URLField, assume_scheme="https")}  # type: ignore[dict-item]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = known_reasons()
        current = self.instance.reason_list() if self.instance.pk else []
        # A code no longer registered stays visible (and may be unticked) rather than vanishing.
        choices = {**{code: code for code in current}, **labels}
        self.fields["reasons"].choices = sorted(choices.items(), key=lambda item: item[1])
        if not self.is_bound:
            self.initial["reasons"] = current

    def clean_reasons(self) -> str:
        return ",".join(self.cleaned_data["reasons"])
