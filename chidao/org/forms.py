from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from chidao.org.models import Person


class PersonCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = Person
        fields = ("username", "full_name", "email")


class PersonChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = Person
        fields = "__all__"
