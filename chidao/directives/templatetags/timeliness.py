"""``{{ task|timeliness_label:timeliness }}``: the words for a task's timeliness (one rule, in
``chidao.directives.timeliness.timeliness_label``)."""

from django import template

from chidao.directives import timeliness as rules

register = template.Library()


@register.filter
def timeliness_label(task, timeliness) -> str:
    return rules.timeliness_label(task, timeliness)
