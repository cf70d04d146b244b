"""DeferredJoinPaginator gives the same pages as Django's Paginator, in two small queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.paginator import Paginator

from safetyops.core.pagination import DeferredJoinPaginator
from safetyops.orgs.models import Node
from tests.conftest import World


@pytest.mark.django_db
def test_same_pages_as_django_in_two_queries(world: World, django_assert_num_queries: Any) -> None:
    queryset = Node.objects.select_related("parent").order_by("-path")
    plain, deferred = Paginator(queryset, 2), DeferredJoinPaginator(queryset, 2)
    assert plain.num_pages == deferred.num_pages >= 2
    for number in plain.page_range:
        expected = [(node.pk, node.parent_id) for node in plain.page(number)]
        with django_assert_num_queries(2):  # the page's keys, then its rows (the count was cached)
            page = deferred.page(number)
            got = [(node.pk, node.parent.pk if node.parent else None) for node in page]
        assert got == expected


def test_a_list_is_paged_as_usual() -> None:
    assert list(DeferredJoinPaginator([1, 2, 3], 2).page(2)) == [3]
