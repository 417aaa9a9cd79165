"""Catalog search and the demo catalog loader.

Search is portable across SQLite and PostgreSQL on purpose: the database narrows the
candidates (every product where some query token occurs, case-insensitively, in a
searched field), and Python ranks them. A product's score is, per token, the weight of
the best field it occurs in (a whole-word match counts fully, a part of a word half),
multiplied by the share of query tokens the product covers, so products matching all
words outrank those matching one heavily; a query found as a phrase in the name gets
a bonus. Ties go by name. This costs a scan of the candidates, which is fine for a
catalog of thousands; a large catalog would move to PostgreSQL full-text search.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q

from punchin.storefront.catalog.demo_products import PRODUCTS
from punchin.storefront.catalog.models import Product

# Field -> weight: identifiers are the strongest evidence, then the name.
FIELD_WEIGHTS: dict[str, float] = {
    "supplier_part_id": 8.0,
    "manufacturer_part_id": 8.0,
    "name": 5.0,
    "manufacturer": 3.0,
    "unspsc": 2.0,
    "category": 1.5,
    "description": 1.0,
}
PHRASE_BONUS = 4.0
MAX_TOKENS = 8
MIN_TOKEN = 2
_TOKEN = re.compile(r"[\w.+/-]+")


@dataclass(frozen=True, slots=True)
class Hit:
    product: Product
    score: float


def tokens(query: str) -> list[str]:
    """The distinct lower-cased words of ``query`` worth searching for, in order."""
    seen: list[str] = []
    for raw in _TOKEN.findall(query.lower()):
        word = raw.strip(".-/+")
        if len(word) >= MIN_TOKEN and word not in seen:
            seen.append(word)
    return seen[:MAX_TOKENS]


def _token_score(token: str, product: Product) -> float:
    best = 0.0
    word = re.compile(rf"(?<![\w]){re.escape(token)}(?![\w])")
    for field, weight in FIELD_WEIGHTS.items():
        value = str(getattr(product, field)).lower()
        if token not in value:
            continue
        score = weight if word.search(value) else weight / 2
        best = max(best, score)
    return best


def score(query_tokens: list[str], phrase: str, product: Product) -> float:
    per_token = [_token_score(t, product) for t in query_tokens]
    matched = sum(1 for s in per_token if s > 0)
    if not matched:
        return 0.0
    coverage = matched / len(query_tokens)
    total = sum(per_token) * coverage * coverage
    if len(query_tokens) > 1 and phrase in product.name.lower():
        total += PHRASE_BONUS
    return total


def search(query: str, limit: int = 50) -> list[Hit]:
    """Products matching ``query``, best first (see the module docstring)."""
    query_tokens = tokens(query)
    if not query_tokens:
        return []
    condition = reduce(
        or_,
        (Q(**{f"{field}__icontains": t}) for t in query_tokens for field in FIELD_WEIGHTS),
    )
    phrase = " ".join(query.lower().split())
    hits = [
        Hit(p, s)
        for p in Product.objects.filter(condition)
        if (s := score(query_tokens, phrase, p)) > 0
    ]
    hits.sort(key=lambda h: (-h.score, h.product.name))
    return hits[:limit]


def auxiliary_id(part_id: str) -> str:
    """A stable offer id for the demo (SupplierPartAuxiliaryID is the supplier's own)."""
    return "offer-" + hashlib.sha256(part_id.encode()).hexdigest()[:16]


@transaction.atomic
def load_demo_catalog() -> int:
    """Create or update the demo products (idempotent); returns how many there are."""
    for row in PRODUCTS:
        Product.objects.update_or_create(
            supplier_part_id=row.part_id,
            defaults={
                "supplier_part_auxiliary_id": auxiliary_id(row.part_id),
                "name": row.name,
                "description": row.description,
                "category": row.category,
                "price": row.price,
                "currency": "USD",
                "unit_of_measure": row.uom,
                "unspsc": row.unspsc,
                "manufacturer": row.manufacturer,
                "manufacturer_part_id": row.manufacturer_part_id,
                "lead_time_days": row.lead_time_days,
            },
        )
    return len(PRODUCTS)
