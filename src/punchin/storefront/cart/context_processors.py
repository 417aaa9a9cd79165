"""The add button's wording (P2) and the cart's size, for every page."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from punchin.storefront.cart.models import CartLine
from punchin.storefront.cart.services import add_button_label, cart_noun
from punchin.storefront.punchout.active import active_session


def cart(request: HttpRequest) -> dict[str, object]:
    count = 0
    if request.user.is_authenticated:
        count = (
            CartLine.objects.filter(
                cart__user=request.user, cart__punchout=active_session(request)
            ).aggregate(n=Sum("quantity"))["n"]
            or 0
        )
    return {
        "add_label": add_button_label(settings.PUNCHIN_MARKETPLACE),
        "cart_name": cart_noun(settings.PUNCHIN_MARKETPLACE),
        "cart_count": count,
        "marketplace": settings.PUNCHIN_MARKETPLACE,
    }
