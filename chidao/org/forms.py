from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from chidao.org.models import Person


class PersonCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = Person
        fields = ("username", "full_name", "email")


class PersonChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = Person
        fields = "__all__"


class FollowForm(forms.Form):
    """Choose the tracking specialist who follows a unit (phân công theo dõi)."""

    specialist = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("Tracking specialist"),
        error_messages={
            "required": _("Choose a specialist."),
            "invalid_choice": _("This specialist cannot be chosen for this unit."),
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = candidates.order_by("sort_key")
        self.fields["specialist"].widget.attrs["class"] = "form-select form-select-sm"
