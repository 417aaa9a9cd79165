"""An order line names the cart it was ordered from (the PunchOutOrderMessage sent),
so a PunchOut session's cart is ordered like a Punch-in cart; its Punch-in submission
becomes optional. Existing lines point at their submission's cart."""

import django.db.models.deletion
from django.db import migrations, models


def carts_of_submissions(apps, schema_editor):  # type: ignore[no-untyped-def]
    line_model = apps.get_model("orders", "PurchaseOrderLine")
    for line in line_model.objects.select_related("submission__poom"):
        line.cart_id = line.submission.poom.document_id
        line.save(update_fields=["cart"])


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_claimed_sender"),
        ("orders", "0003_claim_lease"),
        ("submissions", "0003_approval_document"),
    ]

    operations = [
        migrations.RenameField(
            model_name="purchaseorderline",
            old_name="submission_line",
            new_name="cart_line",
        ),
        migrations.AddField(
            model_name="purchaseorderline",
            name="cart",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="ordered_lines",
                to="documents.cxmldocument",
            ),
        ),
        migrations.RunPython(carts_of_submissions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="purchaseorderline",
            name="cart",
            field=models.ForeignKey(
                help_text="the PunchOutOrderMessage the line was ordered from",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="ordered_lines",
                to="documents.cxmldocument",
            ),
        ),
        migrations.AlterField(
            model_name="purchaseorderline",
            name="submission",
            field=models.ForeignKey(
                blank=True,
                help_text="the Punch-in submission of that cart; none for a PunchOut cart",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_lines",
                to="submissions.punchinsubmission",
            ),
        ),
    ]
