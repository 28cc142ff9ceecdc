"""The two product tables the bare view reads, mapped without the product's code."""

from django.db import models


class Unit(models.Model):
    name = models.CharField(max_length=255)

    class Meta:
        managed = False
        db_table = "org_unit"

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    content = models.TextField()
    state = models.CharField(max_length=20)
    deadline = models.DateField(null=True)
    completed_on = models.DateField(null=True)
    lead_unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING)

    class Meta:
        managed = False
        db_table = "directives_task"

    def __str__(self) -> str:
        return self.content
