from django.urls import path

from chidao.directives.views import corrections, directives, files, steps, tasks

app_name = "directives"
urlpatterns = [
    path("", tasks.task_list, name="task_list"),
    path("<int:pk>/", tasks.task_detail, name="task_detail"),
    path("directives/new/", directives.directive_create, name="directive_create"),
    path("directives/new/row/", directives.task_row, name="task_row"),
    path("directives/units/", directives.unit_options, name="unit_options"),
    path("directives/deadline/", directives.deadline_preview, name="deadline_preview"),
    path("directives/<int:pk>/", directives.directive_detail, name="directive_detail"),
    path("directives/<int:pk>/correct/", corrections.directive_correct, name="directive_correct"),
    path("urge-overdue/", steps.urge_overdue, name="urge_overdue"),
    path("<int:pk>/<slug:step>/", steps.take_step, name="step"),
    path("extensions/<int:pk>/decide/", steps.decide_extension, name="decide_extension"),
    path("difficulties/<int:pk>/answer/", steps.answer_difficulty, name="answer_difficulty"),
    path("cooperations/<int:pk>/", steps.update_cooperation, name="update_cooperation"),
    path("files/<int:pk>/", files.download, name="download"),
]
