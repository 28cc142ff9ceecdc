from django.urls import path

from chidao.directives.views import files, steps, tasks

app_name = "directives"
urlpatterns = [
    path("", tasks.task_list, name="task_list"),
    path("<int:pk>/", tasks.task_detail, name="task_detail"),
    path("<int:pk>/<slug:step>/", steps.take_step, name="step"),
    path("extensions/<int:pk>/decide/", steps.decide_extension, name="decide_extension"),
    path("difficulties/<int:pk>/answer/", steps.answer_difficulty, name="answer_difficulty"),
    path("cooperations/<int:pk>/", steps.update_cooperation, name="update_cooperation"),
    path("files/<int:pk>/", files.download, name="download"),
]
