from django.urls import path

from chidao.org import staff_views, views
from chidao.org.unit_change_views import change_unit

app_name = "org"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/follow/", views.assign_follow, name="assign_follow"),
    # Rename, move, merge, dissolve: form, preview, confirm (chidao/org/unit_change_views.py).
    path("units/<int:pk>/change/<slug:kind>/", change_unit, name="change_unit"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("sign-ins/", views.sign_ins, name="sign_ins"),
    # People and roles managed from the units' pages (chidao/org/staff_views.py).
    path("units/<int:pk>/staff/add/", staff_views.staff_add, name="staff_add"),
    path("units/<int:pk>/follows/", staff_views.follows, name="follows"),
    path("roles/<int:pk>/end/", staff_views.staff_end, name="staff_end"),
    path("roles/<int:pk>/reactivate/", staff_views.staff_reactivate, name="staff_reactivate"),
    path("people/<int:pk>/invite/", staff_views.staff_invite, name="staff_invite"),
    path("me/", staff_views.profile, name="profile"),
    path(
        "set-password/<uidb64>/<token>/",
        staff_views.SetPasswordView.as_view(),
        name="set_password",
    ),
]
