from django.urls import path

from chidao.org.twofactor import views

app_name = "twofactor"
urlpatterns = [
    path("code/", views.verify, name="verify"),
    path("two-factor/", views.manage, name="manage"),
    path("two-factor/setup/", views.setup, name="setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
]
