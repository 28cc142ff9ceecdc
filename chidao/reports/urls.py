from django.urls import path

from chidao.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.reports, name="index"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/progress", views.progress, name="progress"),
    path("<int:pk>/file", views.download, name="download"),
    path("closing/", views.closing, name="closing"),
    path("closing/<int:pk>/reopen", views.reopen, name="reopen"),
]
