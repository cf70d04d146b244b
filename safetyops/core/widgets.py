"""Form widgets that render faster than Django's template-per-option defaults."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.core.cache import cache
from django.forms.models import ModelChoiceIterator
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    """A <select> whose options are joined in Python rather than rendered by one template each.

    Django renders every <option> through a template: a filter with the 160 townships of a city
    took 7 ms to draw. Same HTML, same attributes; option groups fall back to Django's renderer."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        choices = self._all_choices()
        if any(isinstance(label, (list, tuple)) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        selected = set(self.format_value(value))
        options = []
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            mark = " selected" if text in selected else ""
            options.append(format_html('<option value="{}"{}>{}</option>', text, mark_safe(mark), label))  # noqa: S308
        return format_html("<select{}>{}</select>", _attributes(final), mark_safe("".join(options)))  # noqa: S308

    def _all_choices(self) -> list[tuple[Any, Any]]:
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator):
            # One plain query: Django's iterator counts first and then opens a server-side cursor
            # (DECLARE, FETCH, CLOSE), four round trips for a list of a few hundred rows.
            out = [("", choices.field.empty_label)] if choices.field.empty_label is not None else []
            out.extend(choices.choice(obj) for obj in choices.queryset)
            return out
        return [choice for choice in choices]  # not list(): that asks for len() first


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """name="value" pairs in the given order (as Django's widget templates write them)."""
    parts = []
    for key, value in attrs.items():
        if value is True:
            parts.append(format_html(" {}", key))
        elif value is not False and value is not None:
            parts.append(format_html(' {}="{}"', key, value))
    return mark_safe("".join(parts))  # noqa: S308


def keep_model_choices(form: forms.BaseForm, names: Iterable[str], *, key: str, timeout: int = 60 * 60) -> None:
    """Draw the FastSelect lists of the model choice fields `names` from (value, label) lists kept
    in the cache under `key`, made from their querysets on a miss. `key` must change with
    everything the lists show (a cache_version, the scope, the language); a submitted choice is
    still checked against the live queryset. Nothing is read until a list is drawn (or counted):
    a form that only validates, as an export's, asks neither the cache nor the database."""
    kept = _KeptLists(form, tuple(names), key=key, timeout=timeout)
    for name in kept.names:
        form.fields[name].widget.choices = _KeptChoices(kept, name)  # type: ignore[attr-defined]


class _KeptLists:
    def __init__(self, form: forms.BaseForm, names: tuple[str, ...], *, key: str, timeout: int) -> None:
        self.form, self.names, self.key, self.timeout = form, names, key, timeout
        self._lists: dict[str, list[tuple[str, str]]] | None = None

    def get(self, name: str) -> list[tuple[str, str]]:
        if self._lists is None:
            lists: dict[str, list[tuple[str, str]]] | None = cache.get(self.key)
            if lists is None:
                lists = {}
                for each in self.names:
                    field = self.form.fields[each]
                    assert isinstance(field, forms.ModelChoiceField) and field.queryset is not None
                    lists[each] = [("", str(field.empty_label))] if field.empty_label is not None else []
                    lists[each] += [(str(obj.pk), str(field.label_from_instance(obj))) for obj in field.queryset]
                cache.set(self.key, lists, self.timeout)
            self._lists = lists
        return self._lists[name]


class _KeptChoices(BaseChoiceIterator):
    """One field's kept list, read on first use."""

    def __init__(self, kept: _KeptLists, name: str) -> None:
        self.kept, self.name = kept, name

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.kept.get(self.name))

    def __len__(self) -> int:
        return len(self.kept.get(self.name))
