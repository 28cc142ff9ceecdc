from django.urls import path

from chidao.org import views
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
]
