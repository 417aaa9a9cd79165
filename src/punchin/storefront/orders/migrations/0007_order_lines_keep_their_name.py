"""Each purchase order line keeps its name (its cart line's ShortName, or the first line
of its text: punchin.cxml.names); lines ordered before keep the first line of their
description, the rule for a cart without a ShortName."""

from typing import Any

from django.db import migrations, models

from punchin.cxml.names import named


def name_earlier_lines(apps: Any, schema_editor: Any) -> None:
    line_model = apps.get_model("orders", "PurchaseOrderLine")
    for line in line_model.objects.filter(name="").only("pk", "description"):
        line.name = named("", line.description).name
        line.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0006_delivery_check"),
    ]

    operations = [
        migrations.AddField(
            model_name="purchaseorderline",
            name="name",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.RunPython(name_earlier_lines, migrations.RunPython.noop),
    ]
