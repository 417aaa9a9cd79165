from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url

from punchin.storefront.accounts.forms import EmailAuthenticationForm, GroupForm
from punchin.storefront.accounts.models import BuyingGroup
from punchin.storefront.accounts.services import (
    account_admin,
    buying_groups,
    effective_mode,
    member_of,
)


class SignInView(LoginView):
    """P1: sign in with email and password, on any screen size. The store's staff
    land on their order list, buyers on the shop (unless ``next`` says otherwise)."""

    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        if getattr(self.request.user, "is_staff", False):
            return resolve_url("orders:staff_list")
        return super().get_default_redirect_url()


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Account Details: the business account, the member's groups and buying mode."""
    member = member_of(request.user)
    context = {
        "groups": buying_groups(member) if member else [],
        "mode": effective_mode(member) if member else None,
    }
    return render(request, "accounts/account.html", context)


@login_required
def groups(request: HttpRequest) -> HttpResponse:
    """Business Settings > Groups: each group's permissions and how its members buy."""
    member = account_admin(request.user)
    listed = member.account.groups.prefetch_related("members__user")
    return render(request, "accounts/groups.html", {"groups": listed})


@login_required
def group(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new group, or one to change (P12: Direct Website purchase takes precedence,
    then Punch-in, then Punchout user access)."""
    member = account_admin(request.user)
    instance = get_object_or_404(BuyingGroup, pk=pk, account=member.account) if pk else None
    form = GroupForm(member.account, request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Group {saved.name} saved.")
        return redirect("groups")
    return render(request, "accounts/group.html", {"form": form, "group": instance})
