"""Group robots: the documented JSON of 企业微信 and 钉钉 (with 加签), checked against a local HTTP
server on 127.0.0.1; one post per robot however many people a reminder concerns; a failing robot
is retried, then recorded as failed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Any
from urllib.parse import quote_plus

import pytest
from django.core.exceptions import ValidationError

from safetyops.notify.channels import Message, webhook_payload
from safetyops.notify.models import Delivery, Notification, Reminder, WebhookEndpoint
from safetyops.notify.services import notify_users
from safetyops.notify.tasks import deliver_reminder
from tests.conftest import World
from tests.notify.conftest import Robot

pytestmark = pytest.mark.django_db

SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"


def endpoint(world: World, robot: Robot, kind: str, node: Any = None, **fields: Any) -> WebhookEndpoint:
    path = "/cgi-bin/webhook/send?key=abc-123" if kind == "wecom" else "/robot/send?access_token=tok-456"
    return WebhookEndpoint.objects.create(
        name=f"{kind} 工作群", node=node or world.town_a, kind=kind, url=robot.url(path), **fields
    )


def remind(world: World, *users: Any, reason: str = "hazard_deadline") -> list[int]:
    return notify_users(
        reason=reason,
        target=world.ent_a,
        users=users or [world.enterprise_a],
        title="【催办】隐患已逾期 3 天：YH-2026-001-00001",
        body="东城化工有限公司的一般隐患已逾期 3 天，尚未销号。",
        url="/hazards/1/",
        node=world.ent_a.node,  # village of town A
    )


def deliver(ids: list[int]) -> None:
    for reminder_id in ids:
        deliver_reminder.delay(reminder_id)


def test_wecom_markdown_message(world: World, robot: Robot, settings: Any) -> None:
    settings.SITE_URL = "https://safety.example.gov.cn"
    endpoint(world, robot, "wecom")
    deliver(remind(world))
    [request] = robot.requests
    assert request["path"] == "/cgi-bin/webhook/send" and request["query"] == {"key": ["abc-123"]}
    assert request["content_type"] == "application/json; charset=utf-8"
    body = request["json"]
    assert set(body) == {"msgtype", "markdown"} and body["msgtype"] == "markdown"
    assert set(body["markdown"]) == {"content"}
    content = body["markdown"]["content"]
    assert content.startswith("**【催办】隐患已逾期 3 天：YH-2026-001-00001**\n> 东城化工有限公司")
    assert "[查看详情](https://safety.example.gov.cn/hazards/1/)" in content
    assert len(content.encode()) <= 4096
    assert Delivery.objects.get(channel="wecom").status == "sent"


def test_dingtalk_markdown_message_signed(world: World, robot: Robot) -> None:
    endpoint(world, robot, "dingtalk", secret=SECRET)
    deliver(remind(world))
    [request] = robot.requests
    assert request["path"] == "/robot/send"
    assert request["query"]["access_token"] == ["tok-456"]
    timestamp = request["query"]["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert request["query"]["sign"] == [expected]
    assert f"sign={quote_plus(expected)}" in request["raw_query"]  # URL-encoded on the wire
    body = request["json"]
    assert body == {
        "msgtype": "markdown",
        "markdown": {"title": "【催办】隐患已逾期 3 天：YH-2026-001-00001", "text": body["markdown"]["text"]},
    }
    assert body["markdown"]["text"].startswith("#### 【催办】隐患已逾期 3 天")


def test_dingtalk_without_a_secret_posts_to_the_bare_url(world: World, robot: Robot) -> None:
    endpoint(world, robot, "dingtalk")
    deliver(remind(world))
    assert robot.requests[0]["query"] == {"access_token": ["tok-456"]}


def test_one_post_per_robot_and_day_for_the_area_and_those_above(world: World, robot: Robot) -> None:
    town = endpoint(world, robot, "wecom")
    county = endpoint(world, robot, "dingtalk", node=world.county)
    endpoint(world, robot, "wecom", node=world.town_b)  # another township: not its business
    endpoint(world, robot, "wecom", active=False)
    endpoint(world, robot, "wecom", reasons="verification_waiting")  # only other reminders
    ids = remind(world, world.enterprise_a, world.official_a, world.leader_a)
    deliver(ids)
    deliver(ids)
    assert len(robot.requests) == 2
    assert Delivery.objects.filter(channel__in=["wecom", "dingtalk"]).count() == 2
    assert {d.target for d in Delivery.objects.all()} == {str(town.pk), str(county.pk)}
    assert Notification.objects.count() == 3


def test_a_failing_robot_is_retried_then_recorded(
    world: World, robot: Robot, settings: Any, eager_retries: None
) -> None:
    settings.REMINDER_MAX_RETRIES = 3
    robot.always = (502, {"errmsg": "bad gateway"})
    endpoint(world, robot, "wecom")
    [reminder_id] = remind(world)
    deliver([reminder_id])
    assert len(robot.requests) == 4  # the first try and 3 retries
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 4 and "HTTP 502" in delivery.last_error
    reminder = Reminder.objects.get(pk=reminder_id)
    assert reminder.status == "failed" and "HTTP 502" in reminder.last_error
    assert Notification.objects.count() == 1


def test_a_rate_limited_robot_is_retried_until_it_accepts(world: World, robot: Robot, eager_retries: None) -> None:
    robot.answers = [(200, {"errcode": 45009, "errmsg": "api freq out of limit"})]
    endpoint(world, robot, "wecom")
    [reminder_id] = remind(world)
    deliver([reminder_id])
    assert len(robot.requests) == 2
    assert Reminder.objects.get(pk=reminder_id).status == "sent"


def test_a_wrong_key_is_not_retried(world: World, robot: Robot, eager_retries: None) -> None:
    robot.always = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    endpoint(world, robot, "wecom")
    [reminder_id] = remind(world)
    deliver([reminder_id])
    assert len(robot.requests) == 1
    assert "93000" in Delivery.objects.get().last_error
    assert Reminder.objects.get(pk=reminder_id).status == "failed"


def test_an_unreachable_robot_is_a_transient_failure(world: World, settings: Any, eager_retries: None) -> None:
    settings.REMINDER_MAX_RETRIES = 1
    WebhookEndpoint.objects.create(name="已下线", node=world.town_a, kind="wecom", url="http://127.0.0.1:9/send?key=x")
    [reminder_id] = remind(world)
    deliver([reminder_id])
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 2 and "无法连接" in delivery.last_error


def test_long_bodies_are_cut_for_the_robots() -> None:
    message = Message(title="标题", body="隐" * 5000, url="", key="k")
    content = webhook_payload("wecom", message)["markdown"]["content"]
    assert len(content.encode()) < 4096


def test_the_endpoint_form_checks_what_it_can(world: World) -> None:
    robot = WebhookEndpoint(name="x", node=world.town_a, kind="wecom", url="ftp://example/x", secret="SEC1")
    with pytest.raises(ValidationError) as error:
        robot.full_clean()
    assert {"url", "secret"} <= set(error.value.message_dict)
    robot = WebhookEndpoint(
        name="x",
        node=world.town_a,
        kind="dingtalk",
        url="https://oapi.dingtalk.com/robot/send?access_token=t",
        reasons="nope",
    )
    with pytest.raises(ValidationError) as error:
        robot.full_clean()
    assert "未知的提醒事由" in error.value.message_dict["reasons"][0]
    robot.reasons = "hazard_deadline, verification_waiting"
    robot.full_clean()


HOSTILE_BODY = (
    "[点此查看整改通知](http://evil.example/phish) ![img](http://evil.example/p.png) "
    "<a href='http://evil.example/a'>点我</a> www.evil.example **加粗** _斜_ `代码` ~~删~~ | 表 |\n"
    "# 标题\n> 引用\n- 列表\n1. 序号\n请访问 https://evil.example/raw 查看"
)
MARKUP = re.compile(r"\[[^\]]*\]\([^)]*\)")  # a markdown link or image: [text](url)


@pytest.mark.parametrize("kind", ["wecom", "dingtalk"])
def test_user_text_cannot_put_links_or_markup_into_the_group_chat(
    world: World, robot: Robot, settings: Any, kind: str
) -> None:
    settings.SITE_URL = "https://safety.example.gov.cn"
    endpoint(world, robot, kind)
    deliver(
        notify_users(
            reason="hazard_deadline",
            target=world.ent_a,
            users=[world.enterprise_a],
            title="**[假标题](http://evil.example/t)**",
            body=HOSTILE_BODY,
            url="/hazards/1/",
            node=world.ent_a.node,
        )
    )
    [request] = robot.requests
    text = request["json"]["markdown"]["content" if kind == "wecom" else "text"]
    # Exactly one link, ours; no other address is clickable, bare or in markup.
    assert MARKUP.findall(text) == ["[查看详情](https://safety.example.gov.cn/hazards/1/)"]
    assert re.findall(r"https?://", text) == ["https://"]
    assert "www.evil" not in text and "<a" not in text
    # The words are all there, with the markup characters in their full-width forms.
    assert "［点此查看整改通知］（http：//evil.example/phish）" in text
    assert "＜a href='http：//evil.example/a'＞点我＜/a＞" in text
    assert "＊＊加粗＊＊ ＿斜＿ ｀代码｀ ～～删～～ ｜ 表 ｜" in text
    assert "＃ 标题" in text and "＞ 引用" in text and "－ 列表" in text and "1． 序号" in text
    # No body line starts a heading, quote, list or numbered list of its own (wecom quotes each line).
    lines = text.split("\n")[1:] if kind == "wecom" else text.split("\n\n")[1:-1]
    if kind == "wecom":
        assert all(line.startswith("> ") for line in lines[:-2])
        lines = [line.removeprefix("> ") for line in lines]
    assert len(lines) >= 5
    assert not any(re.match(r"\s*(#|>|[-+*] |\d+\. )", line) for line in lines)
    assert text.count("**") == (2 if kind == "wecom" else 0)  # only our bold title
    assert "＊＊［假标题］（http：//evil.example/t）＊＊" in text


def test_the_robot_form_offers_the_reminders_by_their_chinese_names(world: World, client: Any) -> None:
    from django.urls import reverse

    from safetyops.notify.rules import known_reasons, reason_label

    client.force_login(world.county_admin)
    page = client.get(reverse("admin:notify_webhookendpoint_add")).content.decode()
    visible = re.sub(r"<[^>]+>", " ", page)  # what the admin reads, not the checkbox values
    labels = known_reasons()
    assert "hazard_deadline" in labels and labels["hazard_deadline"] != "hazard_deadline"
    for code, label in labels.items():
        assert label in visible and code not in visible, code
    response = client.post(
        reverse("admin:notify_webhookendpoint_add"),
        {
            "name": "东城镇安监群",
            "node": world.town_a.pk,
            "kind": "wecom",
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            "secret": "",
            "reasons": ["hazard_deadline", "verification_waiting"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    robot = WebhookEndpoint.objects.get(name="东城镇安监群")
    assert robot.reason_list() == ["hazard_deadline", "verification_waiting"]
    listing = re.sub(r"<[^>]+>", " ", client.get(reverse("admin:notify_webhookendpoint_changelist")).content.decode())
    assert f"{reason_label('hazard_deadline')}、{reason_label('verification_waiting')}" in listing
    edit = client.get(reverse("admin:notify_webhookendpoint_change", args=[robot.pk])).content.decode()
    assert re.search(r'value="hazard_deadline"[^>]*checked', edit)
