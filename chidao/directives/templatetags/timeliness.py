"""``{{ task|timeliness_label:timeliness }}``: the words for a task's timeliness (one rule, in
``chidao.directives.timeliness.timeliness_label``); empty when given no task."""

from django import template

from chidao.directives import timeliness as rules
from chidao.directives.models import Task

register = template.Library()


@register.filter
def timeliness_label(task, timeliness) -> str:
    if not isinstance(task, Task) or not timeliness:
        return ""
    return rules.timeliness_label(task, timeliness)
