from django.db import migrations, models

import punchin.web.encryption.fields
from punchin.web.encryption.fields import sealing


class Migration(migrations.Migration):
    dependencies = [
        ("procurement_partners", "0005_poom_hosts_with_ports"),
    ]

    operations = [
        migrations.AddField(
            model_name="sharedsecret",
            name="valid_until",
            field=models.DateTimeField(
                blank=True,
                help_text="accepted until then (UTC), while the store switches to its new SharedSecret; blank: no end",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="supplierpartner",
            name="outbound_bearer_token",
            field=punchin.web.encryption.fields.EncryptedTextField(blank=True, max_length=500),
        ),
        migrations.AlterField(
            model_name="supplierpartner",
            name="outbound_password",
            field=punchin.web.encryption.fields.EncryptedTextField(blank=True, max_length=255),
        ),
        migrations.AlterField(
            model_name="supplierpartner",
            name="outbound_shared_secret",
            field=punchin.web.encryption.fields.EncryptedTextField(
                blank=True, help_text="the SharedSecret the store expects from us", max_length=255
            ),
        ),
        sealing(
            "procurement_partners",
            "SupplierPartner",
            "outbound_shared_secret",
            "outbound_password",
            "outbound_bearer_token",
        ),
    ]
