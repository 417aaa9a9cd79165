from django.db import migrations

import punchin.web.encryption.fields
from punchin.web.encryption.fields import sealing


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0002_partner_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outbounddelivery",
            name="raw",
            field=punchin.web.encryption.fields.EncryptedBinaryField(
                help_text="the exact bytes sent on every attempt (encrypted)"
            ),
        ),
        sealing("delivery", "OutboundDelivery", "raw"),
    ]
