from django.urls import path

from bare import views

urlpatterns = [path("", views.overdue)]
