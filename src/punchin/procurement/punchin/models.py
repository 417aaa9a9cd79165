"""One row per (partner, payloadID): the idempotency record of docs/security.md row 11."""

from __future__ import annotations

from django.db import models

from punchin.procurement.partners.models import SupplierPartner
from punchin.web.inbound import InboundClaimBase


class PunchInRequest(InboundClaimBase):
    """A PunchOutSetupRequest's claim on its payloadID, and the answer we gave.

    Its own table, apart from the fulfilment documents' claims: a Punch-in stays
    ``processing`` while the cart is fetched, and its rows are what the admin shows of
    the punch-ins a store sent (the requisition names the payloadID it came from).
    """

    partner = models.ForeignKey(
        SupplierPartner, on_delete=models.PROTECT, related_name="punchin_requests"
    )

    class Meta:
        verbose_name = "Punch-in request"
        constraints = [
            models.UniqueConstraint(
                fields=("partner", "payload_id"), name="one_punchin_per_payload"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.payload_id} ({self.state})"
