from django.db import migrations, models

# Each task gets its directive's kind, and the counting index reads it instead of the directive.
FILL = """
UPDATE directives_task SET directive_kind = (
    SELECT kind FROM directives_directive WHERE directives_directive.id = directives_task.directive_id
)
"""


class Migration(migrations.Migration):

    dependencies = [
        ('directives', '0020_directive_kind_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='task',
            name='directive_kind',
            field=models.CharField(choices=[('letter', 'Official letter'), ('conclusion', 'Conclusion notice'), ('instruction', 'Instruction'), ('decision', 'Decision'), ('plan', 'Plan'), ('meeting', 'Opinion at a meeting'), ('other', 'Other')], default='', editable=False, max_length=30, verbose_name='kind of directive'),
            preserve_default=False,
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RemoveIndex(
            model_name='task',
            name='task_unit_counting_idx',
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(fields=['lead_unit', 'assigned_on', 'state', 'deadline', 'completed_on', 'deadline_kind', 'series', 'parent', 'assigner_unit', 'original_deadline', 'extension_count', 'extended_after_deadline', 'last_update_at', 'directive_kind', 'sector_block', 'directing_leader', 'specialist', 'deadline_corrections', 'id'], name='task_unit_counting_idx'),
        ),
        migrations.RemoveIndex(
            model_name='directive',
            name='directive_kind_idx',
        ),
    ]
