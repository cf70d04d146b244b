"""The request's user in one query (orgs.backends): the membership, its node and enterprise and the
unread count come with it; nothing is kept between requests, so a changed membership or a read
message shows on the very next request."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safetyops.notify.models import Notification
from safetyops.orgs.backends import RequestUserBackend, load_request_user, request_user_queryset
from safetyops.orgs.models import Membership, Role, User
from safetyops.orgs.scope import scope_for
from tests.conftest import World

pytestmark = pytest.mark.django_db


def note(user: User, *, read: bool = False) -> Notification:
    return Notification.objects.create(
        user=user, title="提醒", body="请按期整改。", url="/", read_at=timezone.now() if read else None
    )


def fields(obj: Any) -> dict[str, Any]:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


@pytest.mark.parametrize("who", ["county_admin", "official_a", "supervisor_a", "enterprise_a", "nobody"])
def test_the_compiled_query_loads_what_the_orm_loads(world: World, who: str) -> None:
    expected_user = getattr(world, who)
    note(expected_user)
    note(expected_user)
    note(expected_user, read=True)
    expected = request_user_queryset().get(pk=expected_user.pk)
    with CaptureQueriesContext(connection) as queries:
        user = load_request_user(str(expected_user.pk))  # the session holds the id as a string
        assert user is not None
        assert fields(user) == fields(expected)
        assert user.inbox_unread == expected.inbox_unread == 2  # type: ignore[attr-defined]
        membership = Membership.objects.filter(user=expected_user).select_related("node", "enterprise").first()
        queries_so_far = len(queries)
        if membership is None:
            assert not hasattr(user, "membership")  # known to be missing: no query asks again
        else:
            assert fields(user.membership) == fields(membership)
            for part in ("node", "enterprise"):
                mine, theirs = getattr(user.membership, part), getattr(membership, part)
                assert (mine and fields(mine)) == (theirs and fields(theirs))
        assert len(queries) == queries_so_far  # membership, node and enterprise came with the user
    assert not user._state.adding and user._state.db == "default"


def test_one_query_for_user_membership_scope_and_inbox(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    request = client.get(reverse("home")).wsgi_request
    request.session = client.session  # a fresh request object on the same session
    del request._cached_user
    with CaptureQueriesContext(connection) as queries:
        user = get_user(request)
        scope = scope_for(user)
        badge = user.inbox_unread  # type: ignore[attr-defined]
        role = user.membership.get_role_display(), str(user.membership.node)
    assert len(queries) == 1
    assert scope.node_id == world.town_a.pk and badge == 0 and role[1]


def test_unknown_inactive_and_malformed_ids_are_nobody(world: World) -> None:
    backend = RequestUserBackend()
    assert backend.get_user(10**12) is None
    assert backend.get_user("not a number") is None
    User.objects.filter(pk=world.official_a.pk).update(is_active=False)
    assert backend.get_user(world.official_a.pk) is None


def test_a_membership_change_takes_effect_on_the_next_request(client: Any, world: World) -> None:
    client.force_login(world.official_a)
    detail_b = reverse("orgs:enterprise_detail", args=[world.ent_b.pk])
    assert client.get(detail_b).status_code == 404  # town B's enterprise: outside town A
    assert client.get(reverse("orgs:enterprise_detail", args=[world.ent_a.pk])).status_code == 200
    Membership.objects.filter(user=world.official_a).update(node=world.town_b)
    assert client.get(detail_b).status_code == 200
    assert client.get(reverse("orgs:enterprise_detail", args=[world.ent_a.pk])).status_code == 404
    mine = Membership.objects.filter(user=world.official_a)
    mine.update(role=Role.ENTERPRISE_USER, node=None, enterprise=world.ent_a)
    assert client.get(detail_b).status_code == 404
    mine.delete()
    assert client.get(reverse("orgs:enterprise_detail", args=[world.ent_a.pk])).status_code == 404


def test_reading_a_message_updates_the_count_on_the_next_page(client: Any, world: World) -> None:
    first, _second = note(world.enterprise_a), note(world.enterprise_a)
    client.force_login(world.enterprise_a)
    assert 'data-unread="2"' in client.get(reverse("home")).content.decode()
    client.post(reverse("notify:inbox_item", args=[first.pk]))
    assert 'data-unread="1"' in client.get(reverse("home")).content.decode()
    note(world.enterprise_a)
    assert 'data-unread="2"' in client.get(reverse("home")).content.decode()
    client.post(reverse("notify:inbox"))  # 全部标为已读
    assert "data-unread" not in client.get(reverse("home")).content.decode()
