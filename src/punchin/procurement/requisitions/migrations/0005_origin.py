"""Each requisition says how its cart came: Punch-in (the supplier sent it) or PunchOut
(the requester brought it back). Existing requisitions are Punch-in ones, except those
a PunchOut session created."""

from django.db import migrations, models


def punchout_carts(apps, schema_editor):  # type: ignore[no-untyped-def]
    requisition = apps.get_model("procurement_requisitions", "Requisition")
    session = apps.get_model("procurement_punchout", "PunchOutSession")
    created = session.objects.filter(operation="create", requisition__isnull=False)
    requisition.objects.filter(pk__in=created.values("requisition")).update(origin="punchout")


class Migration(migrations.Migration):
    dependencies = [
        ("procurement_punchout", "0001_initial"),
        ("procurement_requisitions", "0004_operation_allowed"),
    ]

    operations = [
        migrations.AddField(
            model_name="requisition",
            name="origin",
            field=models.CharField(
                choices=[("punchin", "Punch-in"), ("punchout", "PunchOut")],
                default="punchin",
                max_length=8,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(punchout_carts, migrations.RunPython.noop),
    ]
