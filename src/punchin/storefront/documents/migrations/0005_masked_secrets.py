from django.db import migrations, models

import punchin.web.encryption.fields
from punchin.web.documents import masking


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_claimed_sender"),
    ]

    operations = [
        migrations.AddField(
            model_name="cxmldocument",
            name="masked_secrets",
            field=punchin.web.encryption.fields.EncryptedTextField(
                blank=True,
                default="",
                editable=False,
                help_text="outbound: the SharedSecrets masked in raw, in order (encrypted)",
            ),
        ),
        migrations.AlterField(
            model_name="cxmldocument",
            name="raw",
            field=models.BinaryField(
                help_text="as sent or received, with SharedSecrets masked (the first kilobyte only while the sender is unknown)"
            ),
        ),
        masking("documents"),
    ]
