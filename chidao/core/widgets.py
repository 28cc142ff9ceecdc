"""Widgets that render long choice lists in Python.

Django renders every ``<option>`` through its own template: with the hundreds of units and
people a province's filters offer, that costs more than the fifty rows of the list they filter.
"""

import copy

from django import forms
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# A select's empty choice in words rather than Django's dashes: in a filter it means any value,
# in a form that records something it asks for one.
ANY_CHOICE = _("All")
CHOOSE_CHOICE = _("— Choose —")
DJANGO_EMPTY_LABEL = "---------"  # ModelChoiceField's default empty_label


class QuickSelect(forms.Select):
    """A single-choice ``<select>`` built as one string, the same markup as Django's.

    Its choices are (value, label) pairs, kept as given and read when it is rendered: Django
    normalises them again on every assignment, which for a province's units costs more than
    rendering them."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = value

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        if self.is_required:
            final_attrs["required"] = True
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        choices = self.choices
        if isinstance(choices, LazyChoices):
            choices = choices.options
        if not isinstance(choices, Options):
            choices = Options(choices)
        options = choices.html(str(v) for v in self.format_value(value))
        # Every part is escaped: the keys and labels (``Options``), and flatatt's attributes.
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")  # noqa: S308


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    """A ``<select multiple>`` built as one string; its values are read as a list."""


def quick_model_select(field: forms.ModelChoiceField) -> None:
    """The field's select written in Python, its options fetched from its queryset when shown."""
    cls = QuickSelectMultiple if isinstance(field.widget, forms.SelectMultiple) else QuickSelect
    field.widget = cls(attrs=field.widget.attrs, choices=LazyChoices(field, field.queryset))


class Options(list):
    """(value, label) pairs whose ``<option>`` markup is built once, however many selects show
    them (the list's four unit filters offer the same few hundred units)."""

    _html = None

    def html(self, chosen) -> str:
        if self._html is None:
            self._html = "".join(
                f'<option value="{escape(key)}">{conditional_escape(label)}</option>'
                for key, label in self
            )
        html = self._html
        for key in set(chosen):
            # Values are unique, so the option's opening tag is found once at most.
            opening = f'<option value="{escape(key)}">'
            html = html.replace(opening, f"{opening[:-1]} selected>", 1)
        return html


def choices_once(field: forms.ModelChoiceField, objects) -> "Options":
    """The field's choices from objects already fetched, so that several fields offering the
    same units cost one query, not one each."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    return Options(empty + [(obj.pk, field.label_from_instance(obj)) for obj in objects])


class LazyChoices:
    """``choices_once`` of a queryset, fetched when a select shows them: a request that renders
    no form (an export, the rows htmx swaps) does not ask for them."""

    def __init__(self, field: forms.ModelChoiceField, queryset):
        self.field, self.queryset = field, queryset
        self._options = None

    @property
    def options(self) -> Options:
        # Read twice per render (Django's select asks for the first choice to decide on
        # ``required``): fetched once.
        if self._options is None:
            self._options = choices_once(self.field, self.queryset)
        return self._options

    def __iter__(self):
        return iter(self.options)


def _attrs(attrs: dict) -> str:
    """Attributes in Django's order (``attrs.html``): True writes the bare attribute, False
    nothing; every value escaped."""
    return "".join(
        f" {key}" if value is True else f' {key}="{escape(value)}"'
        for key, value in attrs.items()
        if value is not False and value is not None
    )


def _input(widget_context: dict) -> str:
    """``<input>`` as Django's ``input.html`` writes it, from a widget's context."""
    attrs = {"type": widget_context["type"], "name": widget_context["name"]}
    if widget_context["value"] is not None:
        attrs["value"] = str(widget_context["value"])
    attrs.update(widget_context["attrs"])
    return mark_safe(f"<input{_attrs(attrs)}>")  # noqa: S308


class QuickInput:
    """A mixin for Django's input widgets: the same markup, written in Python instead of through
    the template engine (a filter form has two dozen of them)."""

    def render(self, name, value, attrs=None, renderer=None):
        return _input(self.get_context(name, value, attrs)["widget"])


class QuickTextarea(forms.Textarea):
    """A ``<textarea>`` as Django's ``textarea.html`` writes it, in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        text = escape(widget["value"]) if widget["value"] else ""
        markup = f'<textarea name="{escape(name)}"{_attrs(widget["attrs"])}>\n{text}</textarea>'
        return mark_safe(markup)  # noqa: S308 (every part escaped)


class QuickOptions:
    """A mixin for Django's checkboxes and radio buttons: each box (``box.tag`` in a template)
    written in Python."""

    def _render(self, template_name, context, renderer=None):
        widget = context.get("widget", {})
        if template_name == self.option_template_name and not widget.get("wrap_label"):
            return _input(widget)
        return super()._render(template_name, context, renderer)


class QuickCheckboxes(QuickOptions, forms.CheckboxSelectMultiple):
    pass


class QuickRadios(QuickOptions, forms.RadioSelect):
    pass


_QUICK_CLASSES: dict[type, type] = {}


def quicken(field: forms.Field) -> None:
    """Swap the field's input widget for its quick twin, keeping its attributes and options."""
    widget = field.widget
    if isinstance(widget, QuickInput | QuickOptions | QuickTextarea | QuickSelect):
        return
    if type(widget) is forms.Textarea:
        field.widget = QuickTextarea(attrs=widget.attrs)
    elif type(widget) is forms.Select and not isinstance(field, forms.ModelChoiceField):
        field.widget = QuickSelect(attrs=widget.attrs, choices=field.choices)
    elif isinstance(widget, forms.CheckboxSelectMultiple):
        field.widget = QuickCheckboxes(attrs=widget.attrs, choices=widget.choices)
    elif type(widget) is forms.RadioSelect:
        field.widget = QuickRadios(attrs=widget.attrs, choices=widget.choices)
    elif isinstance(widget, Input | forms.CheckboxInput):
        cls = type(widget)
        if cls not in _QUICK_CLASSES:
            _QUICK_CLASSES[cls] = type(f"Quick{cls.__name__}", (QuickInput, cls), {})
        # A copy of the widget (its format, check test, attributes) under the quick class.
        field.widget = copy.copy(widget)
        field.widget.__class__ = _QUICK_CLASSES[cls]
