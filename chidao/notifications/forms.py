from django import forms
from django.utils.translation import gettext_lazy as _

from chidao.notifications.models import EmailMode


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("Send me e-mails"), required=False)
    email_mode = forms.ChoiceField(
        label=_("How often"), choices=EmailMode.choices, widget=forms.RadioSelect, required=False
    )
    webhook = forms.BooleanField(
        label=_("Send my notifications to the province's webhook"), required=False
    )

    def clean_email_mode(self):
        return self.cleaned_data.get("email_mode") or EmailMode.DIGEST
