from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from punchin.storefront.catalog import services
from punchin.storefront.catalog.models import Category, Product

FEATURED_PER_CATEGORY = 4


def home(request: HttpRequest) -> HttpResponse:
    shelves = [
        (category, Product.objects.filter(category=category)[:FEATURED_PER_CATEGORY])
        for category in Category
    ]
    return render(request, "catalog/home.html", {"shelves": shelves})


def search(request: HttpRequest) -> HttpResponse:
    """P2: "The buyer searches by keyword" - results best first (``services.search``)."""
    query = request.GET.get("q", "").strip()[:200]
    hits = services.search(query) if query else []
    return render(request, "catalog/search.html", {"query": query, "hits": hits})


def product(request: HttpRequest, part_id: str) -> HttpResponse:
    item = get_object_or_404(Product, supplier_part_id=part_id)
    return render(request, "catalog/product.html", {"product": item})
