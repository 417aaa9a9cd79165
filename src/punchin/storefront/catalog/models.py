"""A product carries everything a PunchOutOrderMessage line needs (ItemID, ItemDetail)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse


class Category(models.TextChoices):
    OFFICE = "office", "Office supplies"
    IT = "it", "IT and electronics"
    LAB = "lab", "Lab supplies"
    MRO = "mro", "Maintenance, repair and operations"


class Product(models.Model):
    # ItemID: SupplierPartID names the product; SupplierPartAuxiliaryID is our own
    # cookie for the offer, returned to us verbatim in later documents.
    supplier_part_id = models.CharField("SupplierPartID", max_length=64, unique=True)
    supplier_part_auxiliary_id = models.CharField(
        "SupplierPartAuxiliaryID", max_length=128, blank=True
    )
    # The product's one name, its title on every page; carts and orders carry it as
    # Description/ShortName and the description as the Description's text
    # (punchin.cxml.names, docs/product-names.md).
    name = models.CharField(max_length=255)
    description = models.TextField()
    category = models.CharField(max_length=16, choices=Category.choices)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    unit_of_measure = models.CharField(
        max_length=3, help_text="UN/CEFACT Recommendation 20 code: EA, BX, PK, RM, ..."
    )
    unspsc = models.CharField("UNSPSC code", max_length=8)
    manufacturer = models.CharField(max_length=120)
    manufacturer_part_id = models.CharField(max_length=64)
    lead_time_days = models.PositiveSmallIntegerField(default=2)
    image_url = models.URLField(blank=True, help_text="empty: a generated placeholder")

    class Meta:
        ordering = ("name",)
        indexes = (models.Index(fields=("category", "name")),)

    def __str__(self) -> str:
        return f"{self.supplier_part_id} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:product", args=[self.supplier_part_id])

    @property
    def initials(self) -> str:
        """Two letters for the generated placeholder image."""
        words = [w for w in self.name.split() if w[:1].isalnum()]
        return "".join(w[0] for w in words[:2]).upper() or "?"
