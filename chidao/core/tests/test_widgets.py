"""The quick widgets (``core.widgets.quicken``) write the markup of Django's own widgets: the
same elements, attributes and text, so a form looks and submits the same whichever wrote it."""

import datetime
from html.parser import HTMLParser

import pytest
from django import forms

from chidao.core.widgets import quicken


class Sample(forms.Form):
    text = forms.CharField(label="Text", widget=forms.TextInput(attrs={"class": "form-control"}))
    number = forms.IntegerField(label="Number", required=False, min_value=0, max_value=100)
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}))
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label="Kind", choices=[("", "—"), ("a", "A & B"), ("b", "<b>")])
    flags = forms.MultipleChoiceField(
        label="Flags", choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )
    answer = forms.ChoiceField(
        label="Answer", choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect
    )
    agreed = forms.BooleanField(label="Agreed", required=False)


class _Parts(HTMLParser):
    """Markup as its elements with their attributes (in any order) and its text: whitespace
    between tags and the order of attributes change nothing in the browser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.parts.append((tag, sorted((name, value or "") for name, value in attrs)))

    def handle_endtag(self, tag):
        self.parts.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.parts.append(("text", data))


def _parts(markup: str) -> list:
    parser = _Parts()
    parser.feed(markup)
    parser.close()
    return parser.parts


def _markup(form: forms.Form) -> dict[str, list]:
    """Every field as a template writes it: the whole widget, and each box of a choice widget
    (``box.tag``, as ``_form_fields.html`` does for radio buttons)."""
    found = {}
    for field in form:
        found[field.name] = _parts(str(field))
        if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            found[field.name + ":tags"] = [_parts(str(box.tag())) for box in field]
    return found


VALUES = [
    {},  # unbound
    {
        "text": 'a "quoted" <value>',
        "number": "7",
        "day": "31/03/2026",
        "note": "line one\nline <two>",
        "kind": "a",
        "flags": ["x", "y"],
        "answer": "no",
        "agreed": "on",
    },
    {"text": "", "number": "abc", "day": "31/02/2026", "kind": "zzz", "answer": "maybe"},
]


@pytest.mark.parametrize("data", VALUES, ids=["unbound", "valid", "invalid"])
def test_every_quick_widget_writes_djangos_markup(data):
    initial = {"day": datetime.date(2026, 3, 20), "answer": "yes"}
    sent = {f"step-{name}": value for name, value in data.items()} or None
    plain = Sample(sent, initial=initial, prefix="step")
    quick = Sample(sent, initial=initial, prefix="step")
    for field in quick.fields.values():
        quicken(field)
    replaced = [
        name
        for name in quick.fields
        if type(quick.fields[name].widget) is not type(plain.fields[name].widget)
    ]
    assert set(replaced) == set(Sample.base_fields), "every widget here has a quick twin"
    assert _markup(quick) == _markup(plain)
    # The radio buttons really are marked: the chosen one checked, none other.
    chosen = (data or {}).get("answer", "yes")
    checked = [
        dict(box[0][1])["value"]
        for box in _markup(quick)["answer:tags"]
        if "checked" in dict(box[0][1])
    ]
    assert checked == ([chosen] if chosen in ("yes", "no") else [])
