from django.urls import path

from chidao.registers import views

app_name = "registers"
urlpatterns = [
    path("", views.index, name="index"),
    path("template.xlsx", views.download_template, name="template"),
    path("progress/<str:token>/", views.progress_of, name="progress"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/columns/", views.columns, name="columns"),
    path("<int:pk>/import/", views.confirm, name="confirm"),
    path("<int:pk>/discard/", views.discard, name="discard"),
]
