from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from chidao.board import views as board_views
from chidao.core import views as core_views
from chidao.org import sso

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", sso.SignInView.as_view(), name="login"),
    path("sso/start/", sso.start, name="sso_start"),
    path("sso/callback/", sso.callback, name="sso_callback"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("account/", include("chidao.org.twofactor.urls")),
    path("org/", include("chidao.org.urls")),
    path("tasks/", include("chidao.directives.urls")),
    path("board/", include("chidao.board.urls")),
    path("notifications/", include("chidao.notifications.urls")),
    path("dashboard/", board_views.dashboard, name="dashboard"),
    path("reports/", include("chidao.reports.urls")),
    path("registers/", include("chidao.registers.urls")),
    path("admin/", admin.site.urls),
]
