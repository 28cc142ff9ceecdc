from django.urls import path

from chidao.directives import views

app_name = "directives"
urlpatterns = [
    path("files/<int:pk>/", views.download, name="download"),
]
