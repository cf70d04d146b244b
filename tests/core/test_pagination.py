"""DeferredJoinPaginator gives the same pages as Django's Paginator in small queries by key;
KeptKeysPaginator gives them too, sorting each page once per key."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.paginator import Paginator

from safetyops.core.pagination import DeferredJoinPaginator, KeptKeysPaginator, KeyedSubqueryPaginator
from safetyops.orgs.models import Node
from tests.conftest import World


@pytest.mark.django_db
def test_same_pages_as_django_in_queries_by_key(world: World, django_assert_num_queries: Any) -> None:
    queryset = Node.objects.filter(path__startswith=world.county.path).select_related("parent").order_by("-path")
    plain, deferred = Paginator(queryset, 2), DeferredJoinPaginator(queryset, 2)
    assert plain.num_pages == deferred.num_pages >= 2
    for number in plain.page_range:
        expected = [(node.pk, node.parent_id) for node in plain.page(number)]
        # The page's keys in scope; its rows by key, without the filter; their parents by key.
        with django_assert_num_queries(3) as captured:
            page = deferred.page(number)
            got = [(node.pk, node.parent.pk if node.parent else None) for node in page]
        assert got == expected
        assert "LIKE" in captured[0]["sql"] and "LIKE" not in captured[1]["sql"] + captured[2]["sql"]


@pytest.mark.django_db
def test_annotated_rows_keep_the_filter(world: World, django_assert_num_queries: Any) -> None:
    from django.db.models import Count

    queryset = Node.objects.filter(path__startswith=world.county.path).annotate(n=Count("children")).order_by("path")
    page = DeferredJoinPaginator(queryset, 2).page(1)
    assert [(node.pk, node.n) for node in page] == [(node.pk, node.n) for node in Paginator(queryset, 2).page(1)]


@pytest.mark.django_db
def test_keyed_subquery_pages_are_django_pages_in_one_query(world: World, django_assert_num_queries: Any) -> None:
    queryset = Node.objects.filter(path__startswith=world.county.path).select_related("parent").order_by("-path")
    plain, keyed = Paginator(queryset, 2), KeyedSubqueryPaginator(queryset, 2)
    assert keyed.count == plain.count and plain.num_pages >= 2
    for number in plain.page_range:
        expected = [(node.pk, node.parent_id) for node in plain.page(number)]
        with django_assert_num_queries(1) as captured:
            got = [(node.pk, node.parent.pk if node.parent else None) for node in keyed.page(number)]
        assert got == expected
        # The keys are chosen inside the query (LIMIT in the subquery), the parents joined outside it.
        sql = captured[0]["sql"]
        assert "LIMIT 2" in sql and sql.index("LIMIT") > sql.index("IN (SELECT")


@pytest.mark.django_db
def test_keyed_subquery_page_of_an_empty_list(world: World) -> None:
    page = KeyedSubqueryPaginator(Node.objects.none().order_by("pk"), 2).get_page(1)
    assert list(page) == [] and page.number == 1


def test_a_list_is_paged_as_usual() -> None:
    assert list(DeferredJoinPaginator([1, 2, 3], 2).page(2)) == [3]
    assert list(KeyedSubqueryPaginator([1, 2, 3], 2).page(2)) == [3]


# The one pagination partial (templates/_pagination.html) ---------------------------------------


def _render(query: str, number: int = 2, **extra: Any) -> str:
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get(f"/list/?{query}")
    request.user = AnonymousUser()
    page = Paginator(list(range(30)), 10).page(number)
    return render_to_string("_pagination.html", {"page": page, **extra}, request=request)


def _hrefs(html: str) -> list[str]:
    import re

    return re.findall(r'href="([^"]*)"', html)


def test_the_links_keep_the_query_string_and_change_only_the_page() -> None:
    html = _render("q=%E9%85%8D%E7%94%B5&status=open&page=2")
    assert _hrefs(html) == ["?q=%E9%85%8D%E7%94%B5&status=open&page=1", "?q=%E9%85%8D%E7%94%B5&status=open&page=3"]
    assert "第 2 / 3 页" in html and 'class="pagination pagination-sm flex-wrap"' in html
    assert _hrefs(_render("", 1)) == ["?page=2"] and _render("", 1).count("上一页") == 0


def test_a_single_page_has_no_links() -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    page = Paginator([1, 2], 10).page(1)
    assert render_to_string("_pagination.html", {"page": page}, request=request).strip() == ""


def test_the_ledger_variant_carries_its_cursors_and_htmx() -> None:
    from django.http import QueryDict

    base = QueryDict("status=open")
    html = _render(
        "status=open&q=&page=2&after=1_2", base=base, path="/hazards/", before="9_8", after="7_6", htmx="results"
    )
    assert _hrefs(html) == ["/hazards/?status=open&page=1&before=9_8", "/hazards/?status=open&page=3&after=7_6"]
    assert 'hx-get="/hazards/?status=open&page=3&after=7_6" hx-target="#results" hx-push-url="true"' in html
    plain = _render("page=2", base=QueryDict(""), path="/hazards/", before=None, after=None)
    assert _hrefs(plain) == ["/hazards/?page=1", "/hazards/?page=3"]


def test_no_template_writes_the_page_links_by_hand() -> None:
    """The prev/next stanza lives in templates/_pagination.html only."""
    from pathlib import Path

    from django.conf import settings

    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
        if path.name != "_pagination.html" and "page.next_page_number" in path.read_text()
    ]
    assert offenders == []


@pytest.mark.django_db
def test_kept_keys_sort_once_per_key_and_read_the_rows_afresh(world: World, django_assert_num_queries: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    queryset = Node.objects.filter(path__startswith=world.county.path).order_by("name", "pk")
    plain = Paginator(queryset, 2)

    def kept(key: str | None) -> KeptKeysPaginator:
        return KeptKeysPaginator(queryset, 2, count=plain.count, key=key, timeout=60)

    for number in plain.page_range:
        expected = [node.name for node in plain.page(number)]
        with django_assert_num_queries(2):  # the page's keys in order, then its rows by key
            assert [node.name for node in kept("k1").page(number)] == expected
        with django_assert_num_queries(1):  # the keys kept: the rows only
            assert [node.name for node in kept("k1").page(number)] == expected
    first, last = plain.page(1)[0], list(queryset)[-1].name  # in the database's collation
    Node.objects.filter(pk=first.pk).update(name=f"{last}z")  # now sorts last
    assert kept("k1").page(1)[0].name == f"{last}z"  # the kept order, the row read afresh
    assert plain.num_pages > 1 and first.pk not in [node.pk for node in kept("k2").page(1)]  # a new key sorts again
    assert [node.name for node in kept(None).page(1)] == [node.name for node in Paginator(queryset, 2).page(1)]
    cache.clear()
