from django.db import migrations, models

import punchin.web.encryption.fields
from punchin.web.encryption.fields import sealing


class Migration(migrations.Migration):
    dependencies = [
        ("integration", "0005_punchout_settings"),
    ]

    operations = [
        migrations.AddField(
            model_name="purchasingsystem",
            name="previous_inbound_shared_secret",
            field=punchin.web.encryption.fields.EncryptedTextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="purchasingsystem",
            name="previous_valid_until",
            field=models.DateTimeField(
                blank=True,
                help_text="UTC; when its SharedSecret changes, the purchasing system may present the old one until then; blank: the old one stops at once",
                null=True,
                verbose_name="Keep accepting the previous SharedSecret until",
            ),
        ),
        migrations.AlterField(
            model_name="purchasingsystem",
            name="basic_password",
            field=punchin.web.encryption.fields.EncryptedTextField(
                blank=True, max_length=500, verbose_name="Password"
            ),
        ),
        migrations.AlterField(
            model_name="purchasingsystem",
            name="bearer_token",
            field=punchin.web.encryption.fields.EncryptedTextField(blank=True, max_length=2000),
        ),
        migrations.AlterField(
            model_name="purchasingsystem",
            name="inbound_shared_secret",
            field=punchin.web.encryption.fields.EncryptedTextField(
                blank=True,
                help_text="blank: the same SharedSecret as above",
                max_length=500,
                verbose_name="Purchasing system's SharedSecret",
            ),
        ),
        migrations.AlterField(
            model_name="purchasingsystem",
            name="shared_secret",
            field=punchin.web.encryption.fields.EncryptedTextField(
                max_length=500, verbose_name="SharedSecret"
            ),
        ),
        sealing(
            "integration",
            "PurchasingSystem",
            "basic_password",
            "bearer_token",
            "shared_secret",
            "inbound_shared_secret",
        ),
    ]
