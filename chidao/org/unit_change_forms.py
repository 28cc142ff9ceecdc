"""The forms of a unit change (đổi tên, chuyển, sáp nhập, giải thể): each asks for the date the
decision takes effect and, where a decision orders it, its number; each builds its plan (the
preview) and applies it through the action."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chidao.core.widgets import CHOOSE_CHOICE
from chidao.org import actions, permissions, unit_changes
from chidao.org.models import Unit, UnitKind

# Typed as dd/mm/yyyy whatever the browser's own locale.
DATE = forms.DateInput(
    format="%d/%m/%Y",
    attrs={
        "placeholder": "dd/mm/yyyy",
        "inputmode": "numeric",
        "autocomplete": "off",
        "class": "form-control",
    },
)
TEXT = {"class": "form-control"}


class UnitChoiceField(forms.ModelChoiceField):
    """Units in tree order, each indented by its depth below the person's scope."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", CHOOSE_CHOICE)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, unit: Unit) -> str:
        return "\u00a0\u00a0" * unit.depth + unit.name


class UnitChangeForm(forms.Form):
    kind = ""
    decision_required = True

    effective_on = forms.DateField(
        label=_("Effective date"),
        widget=DATE,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={
            "required": _("Give the date the decision takes effect."),
            "invalid": _("Give the date as dd/mm/yyyy."),
        },
    )
    decision = forms.CharField(
        label=_("Decision"),
        max_length=255,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("e.g. 123/QĐ-UBND of 15/06/2025")}),
        error_messages={"required": _("Give the number of the decision that orders the change.")},
    )

    def __init__(self, *args, unit: Unit, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit, self.person = unit, person
        self.fields["decision"].required = self.decision_required

    def targets(self):
        """Units this person administers that may take the unit: active, outside its subtree."""
        units = permissions.manageable_units(self.person).filter(is_active=True)
        return units.exclude(path__startswith=self.unit.path).order_by("path")

    @property
    def common(self) -> dict:
        return {
            "effective_on": self.cleaned_data["effective_on"],
            "decision": self.cleaned_data["decision"],
        }


class RenameForm(UnitChangeForm):
    kind = unit_changes.RENAME

    name = forms.CharField(
        label=_("New name"), max_length=255, widget=forms.TextInput(attrs=TEXT),
        error_messages={"required": _("Give the unit's new name.")},
    )  # fmt: skip
    short_name = forms.CharField(
        label=_("New short name"), max_length=120, required=False,
        widget=forms.TextInput(attrs=TEXT),
    )  # fmt: skip
    code = forms.CharField(
        label=_("Symbol code"), max_length=20, required=False,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("Used in document symbols, e.g. STC in 123/STC-KH."),
    )  # fmt: skip
    field_order = ["name", "short_name", "code", "effective_on", "decision"]

    def __init__(self, *args, unit: Unit, **kwargs):
        kwargs.setdefault(
            "initial", {"name": unit.name, "short_name": unit.short_name, "code": unit.code}
        )
        super().__init__(*args, unit=unit, **kwargs)
        if unit.kind == UnitKind.COMMITTEE:
            del self.fields["code"]  # every committee signs as UBND

    def _code(self):
        return self.cleaned_data.get("code") if "code" in self.fields else None

    def plan(self):
        data = self.cleaned_data
        return unit_changes.plan_rename(
            self.unit, name=data["name"], short_name=data["short_name"], code=self._code(),
            **self.common,
        )  # fmt: skip

    def apply(self, actor, expected):
        data = self.cleaned_data
        return actions.rename_unit(
            actor, self.unit, name=data["name"], short_name=data["short_name"],
            code=self._code(), expected=expected, **self.common,
        )  # fmt: skip


class MoveForm(UnitChangeForm):
    kind = unit_changes.MOVE
    decision_required = False

    new_parent = UnitChoiceField(
        label=_("New parent unit"),
        queryset=Unit.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": _("Choose the unit to move it under."),
            "invalid_choice": _("Choose one of the units in the list."),
        },
    )
    field_order = ["new_parent", "effective_on", "decision"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        targets = self.targets()
        if self.unit.kind == UnitKind.COMMITTEE:
            targets = targets.filter(kind=UnitKind.COMMITTEE)
        self.fields["new_parent"].queryset = targets.exclude(pk=self.unit.parent_id)

    def plan(self):
        return unit_changes.plan_move(self.unit, self.cleaned_data["new_parent"], **self.common)

    def apply(self, actor, expected):
        return actions.move_unit(
            actor, self.unit, self.cleaned_data["new_parent"], expected=expected, **self.common
        )


class MergeForm(UnitChangeForm):
    kind = unit_changes.MERGE

    into = UnitChoiceField(
        label=_("Successor unit"),
        help_text=_("The unit this one merges into: it takes over its people and open work."),
        queryset=Unit.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": _("Choose the unit it merges into."),
            "invalid_choice": _("Choose one of the units in the list."),
        },
    )
    field_order = ["into", "effective_on", "decision"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        targets = self.targets()
        if self.unit.kind == UnitKind.COMMITTEE:
            targets = targets.filter(kind=UnitKind.COMMITTEE, level=self.unit.level)
        else:
            targets = targets.exclude(kind=UnitKind.COMMITTEE)
        self.fields["into"].queryset = targets

    def plan(self):
        return unit_changes.plan_merge([self.unit], self.cleaned_data["into"], **self.common)

    def apply(self, actor, expected):
        return actions.merge_units(
            actor, [self.unit], self.cleaned_data["into"], expected=expected, **self.common
        )


class DissolveForm(UnitChangeForm):
    kind = unit_changes.DISSOLVE

    def plan(self):
        return unit_changes.plan_dissolve(self.unit, **self.common)

    def apply(self, actor, expected):
        return actions.dissolve_unit(actor, self.unit, expected=expected, **self.common)


FORMS = {
    unit_changes.RENAME: RenameForm,
    unit_changes.MOVE: MoveForm,
    unit_changes.MERGE: MergeForm,
    unit_changes.DISSOLVE: DissolveForm,
}
