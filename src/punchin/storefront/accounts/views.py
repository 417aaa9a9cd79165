from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from punchin.storefront.accounts.forms import EmailAuthenticationForm
from punchin.storefront.accounts.services import buying_groups, effective_mode, member_of


class SignInView(LoginView):
    """P1: sign in with email and password, on any screen size."""

    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Account Details: the business account, the member's groups and buying mode."""
    member = member_of(request.user)
    context = {
        "groups": buying_groups(member) if member else [],
        "mode": effective_mode(member) if member else None,
    }
    return render(request, "accounts/account.html", context)
