"""Who sees an organisation's spend beside its admins: the finance role (docs/spend.md)."""

from __future__ import annotations

from django.db import models


class Spend(models.Model):
    """No table: it only carries the finance permission, as ``Receipt`` carries the
    receiving desk's. Grant ``procurement_spend.view_spend`` to a user or a group in the
    admin; a member who holds it sees the spend of their organisations."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            (
                "view_spend",
                "Can see the spend of the organisations they are a member of (finance)",
            )
        ]
