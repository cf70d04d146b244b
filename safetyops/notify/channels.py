"""The channels a reminder leaves by: e-mail, group robots (企业微信, 钉钉) and an SMS adapter.

Each sender raises TransientDeliveryError for what may work later (network, timeouts, 5xx,
rate limits: the task retries with backoff) and PermanentDeliveryError for what will not (a
wrong robot key, a refused address: recorded as failed at once).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import smtplib
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote_plus, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Robot answers that mean "too many messages now, try later" (企业微信 45009, -1 系统繁忙; 钉钉 130101, 410100).
RATE_LIMITED = {45009, -1, 130101, 410100}
WEBHOOK_TEXT_LIMIT = 1000  # characters (3 bytes each in UTF-8): 企业微信 markdown takes 4096 bytes in all


class TransientDeliveryError(Exception):
    """Worth retrying later."""


class PermanentDeliveryError(Exception):
    """Retrying will not help; recorded as failed."""


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str  # absolute, or empty
    key: str  # stable id of the reminder, used as the e-mail's Message-ID


def absolute_url(url: str) -> str:
    if not url or not url.startswith("/"):
        return url
    return settings.SITE_URL.rstrip("/") + url


# E-mail ------------------------------------------------------------------------------------------


def email_send(*, message: Message, address: str) -> None:
    """One e-mail with a text and an HTML part, through Django's configured backend."""
    context = {"message": message, "site_name": settings.SITE_NAME}
    mail = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {message.title}",
        body=render_to_string("notify/email/reminder.txt", context),
        to=[address],
        # A stable Message-ID lets mail servers and clients drop a copy sent twice after a crash.
        headers={"Message-ID": f"<{message.key}@{urlsplit(settings.SITE_URL).hostname or 'safetyops'}>"},
    )
    mail.attach_alternative(render_to_string("notify/email/reminder.html", context), "text/html")
    try:
        mail.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentDeliveryError(_("收件地址被拒绝：%(to)s") % {"to": ", ".join(exc.recipients)}) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientDeliveryError(_("邮件发送失败：%(error)r") % {"error": exc}) from exc


# Group robots ------------------------------------------------------------------------------------


# Neither robot documents a backslash escape, so markup characters in user text are replaced by
# their full-width forms (what Chinese text uses anyway): they read the same and mark nothing up.
_MARKDOWN_SAFE = str.maketrans(
    {
        "\\": "＼",
        "[": "［",
        "]": "］",
        "(": "（",
        ")": "）",
        "<": "＜",
        ">": "＞",
        "*": "＊",
        "_": "＿",
        "`": "｀",
        "#": "＃",
        "!": "！",
        "|": "｜",
        "~": "～",
        "\r": "",
    }
)
# Bare addresses are linked by the clients themselves ("http://…", "www.…"): break them up.
_AUTOLINK = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*):(?=//)|\b(www)\.")
# Marks that count only at the start of a line: lists, setext headings, rules ("- ", "1. ", "===").
_LINE_START = re.compile(r"(?m)^([ \t]*)(?:([-+=])|(\d+)\.)")
_LINE_START_SAFE = {"-": "－", "+": "＋", "=": "＝"}


def markdown_text(text: str) -> str:
    """User text made inert in a robot's markdown: no links, images, emphasis, headings, quotes,
    tables or code; a bare URL is not clickable. Line breaks are kept (the caller joins them)."""
    text = _AUTOLINK.sub(lambda m: f"{m.group(1)}：" if m.group(1) else f"{m.group(2)}．", text)
    text = _LINE_START.sub(
        lambda m: m.group(1) + (_LINE_START_SAFE[m.group(2)] if m.group(2) else f"{m.group(3)}．"), text
    )
    return text.translate(_MARKDOWN_SAFE)


def _cut(text: str) -> str:
    return text if len(text) <= WEBHOOK_TEXT_LIMIT else text[:WEBHOOK_TEXT_LIMIT] + "…"


def webhook_payload(kind: str, message: Message) -> dict[str, Any]:
    """The JSON body in the documented format of each robot (markdown messages). Title and body
    are user text, escaped; the only link is ours (the object's page on SITE_URL)."""
    title = markdown_text(" ".join(message.title.split()))
    lines = [markdown_text(line) for line in _cut(message.body).splitlines() if line.strip()]
    link = f"\n\n[{_('查看详情')}]({message.url})" if message.url else ""
    if kind == "wecom":
        # 企业微信群机器人: {"msgtype": "markdown", "markdown": {"content": ...}}; every body line quoted.
        body = "\n".join(f"> {line}" for line in lines)
        return {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{body}{link}"}}
    if kind == "dingtalk":
        # 钉钉自定义机器人: {"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}; the
        # title field is the plain-text preview of the notification, not markdown.
        body = "\n\n".join(lines)
        return {
            "msgtype": "markdown",
            "markdown": {"title": message.title[:100], "text": f"#### {title}\n\n{body}{link}"},
        }
    raise PermanentDeliveryError(_("未知的机器人类型：%(kind)s") % {"kind": kind})


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 加签: base64(HMAC-SHA256(key=secret, msg="timestamp\\nsecret")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def webhook_url(url: str, *, kind: str, secret: str, timestamp_ms: int | None = None) -> str:
    if kind != "dingtalk" or not secret:
        return url
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def webhook_post(*, kind: str, url: str, secret: str, message: Message) -> None:
    """POST the message to a group robot and check its answer ({"errcode": 0} means sent)."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise PermanentDeliveryError(_("机器人地址须以 http:// 或 https:// 开头"))
    data = json.dumps(webhook_payload(kind, message), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        webhook_url(url, kind=kind, secret=secret),
        data=data,
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.REMINDER_WEBHOOK_TIMEOUT) as response:  # noqa: S310
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        if exc.code in {408, 429} or exc.code >= 500:
            raise TransientDeliveryError(_("机器人接口返回 HTTP %(code)s") % {"code": exc.code}) from exc
        raise PermanentDeliveryError(_("机器人接口返回 HTTP %(code)s") % {"code": exc.code}) from exc
    except (urllib.error.URLError, OSError) as exc:  # refused, DNS, timeout
        raise TransientDeliveryError(_("无法连接机器人接口：%(error)s") % {"error": exc}) from exc
    try:
        answer = json.loads(raw.decode("utf-8"))
        errcode = int(answer.get("errcode", 0))
    except (ValueError, AttributeError, TypeError) as exc:
        raise PermanentDeliveryError(_("机器人接口的应答无法识别：%(answer)r") % {"answer": raw[:200]}) from exc
    if errcode == 0:
        return
    detail = _("机器人接口返回 errcode=%(code)s %(message)s") % {"code": errcode, "message": answer.get("errmsg", "")}
    if errcode in RATE_LIMITED:
        raise TransientDeliveryError(detail)
    raise PermanentDeliveryError(detail)


# SMS ---------------------------------------------------------------------------------------------


class SmsBackend(Protocol):
    """An SMS gateway adapter. Off unless REMINDER_SMS_BACKEND names a class with this method;
    it raises TransientDeliveryError or PermanentDeliveryError when sending fails."""

    def send(self, *, phone: str, text: str) -> None: ...


class LogSmsBackend:
    """Writes each SMS to the log instead of sending it: for development and tests."""

    sent: list[tuple[str, str]] = []

    def send(self, *, phone: str, text: str) -> None:
        self.sent.append((phone, text))
        logger.info("SMS to %s: %s", phone, text)


def sms_backend() -> SmsBackend | None:
    path = settings.REMINDER_SMS_BACKEND
    return import_string(path)() if path else None


def sms_text(message: Message) -> str:
    return f"【{settings.SITE_NAME}】{message.title}。{message.body}"[:300]
