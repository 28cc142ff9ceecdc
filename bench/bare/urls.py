from django.urls import path

from bare import views

urlpatterns = [path("", views.overdue), path("hello", views.hello)]
