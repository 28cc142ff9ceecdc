from django.urls import path

from chidao.board import views

app_name = "board"
urlpatterns = [
    path("<str:token>/", views.board, name="board"),
    path("<str:token>/data/", views.board_data, name="data"),
]
