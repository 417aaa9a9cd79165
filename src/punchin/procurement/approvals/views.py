"""Approver pages (queue, review and decide) and the organisation's policy page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from punchin.procurement.accounts.roles import APPROVER, PROCUREMENT_ADMIN
from punchin.procurement.accounts.services import admin_organisations, allow_delivery_changes
from punchin.procurement.approvals import services
from punchin.procurement.approvals.forms import (
    CategoryRuleForm,
    DecisionForm,
    LevelForm,
    SupplierLimitForm,
)
from punchin.procurement.approvals.models import ApprovalLevel, CategoryRule, SupplierLimit
from punchin.procurement.requisitions.models import Requisition
from punchin.web.statemachine import InvalidTransition


@APPROVER.required
def queue(request: HttpRequest) -> HttpResponse:
    # The lines name what is bought, by the products' names (docs/product-names.md).
    waiting = services.queue_for(request.user).prefetch_related("lines")  # type: ignore[arg-type]
    return render(request, "approvals/queue.html", {"requisitions": waiting})


def _reviewable(request: HttpRequest, number: str) -> Requisition:
    """A requisition the user approves (or approved) a step of."""
    return get_object_or_404(
        Requisition.objects.select_related("supplier", "organisation", "requester")
        .filter(
            Q(approval_steps__approvers=request.user) | Q(approval_steps__decided_by=request.user)
        )
        .distinct(),
        number=number,
    )


@login_required
def review(request: HttpRequest, number: str) -> HttpResponse:
    requisition = _reviewable(request, number)
    step = services.current_step(requisition)
    can_decide = (
        step is not None
        and requisition.requester_id != request.user.pk
        and step.approvers.filter(pk=request.user.pk).exists()
    )
    return render(
        request,
        "approvals/review.html",
        {
            "requisition": requisition,
            "lines": requisition.lines.all(),
            "steps": requisition.approval_steps.prefetch_related("approvers"),
            "events": requisition.events.select_related("actor"),
            "step": step,
            "can_decide": can_decide,
            "form": DecisionForm(),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, number: str) -> HttpResponse:
    requisition = _reviewable(request, number)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject.")
        return redirect("approvals:review", number=number)
    try:
        done = services.decide(
            requisition,
            request.user,  # type: ignore[arg-type]
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        )
    except (InvalidTransition, services.NotYours) as refused:
        messages.error(request, str(refused))
        return redirect("approvals:review", number=number)
    messages.success(request, done)
    return redirect("approvals:queue")


_FORMS = {"level": LevelForm, "category": CategoryRuleForm, "supplier": SupplierLimitForm}
_MODELS = {"level": ApprovalLevel, "category": CategoryRule, "supplier": SupplierLimit}


@PROCUREMENT_ADMIN.required
def policy(request: HttpRequest) -> HttpResponse:
    """The buying policy of the organisations the user administers: see, add, remove."""
    organisations = admin_organisations(request.user)  # type: ignore[arg-type]
    organisation = organisations[0]
    chosen = request.GET.get("organisation") or request.POST.get("organisation")
    if chosen:
        organisation = next((o for o in organisations if str(o.pk) == chosen), organisation)
    bound = request.POST.get("kind") if request.method == "POST" else None
    if bound == "delivery":
        allowed = request.POST.get("requesters_change_delivery") == "on"
        if allow_delivery_changes(organisation, request.user, allowed):  # type: ignore[arg-type]
            messages.success(
                request,
                "Requesters may now change the delivery address of their drafts."
                if allowed
                else "Requesters can no longer change the delivery address.",
            )
        return redirect(f"{request.path}?organisation={organisation.pk}")
    forms = {
        kind: form_class(request.POST if kind == bound else None, organisation=organisation)
        for kind, form_class in _FORMS.items()
    }
    if bound in forms:
        if request.POST.get("delete"):
            rule = request.POST["delete"]
            _MODELS[bound].objects.filter(
                organisation=organisation, pk=int(rule) if rule.isdigit() else None
            ).delete()
            messages.success(request, "The rule was removed.")
            return redirect(f"{request.path}?organisation={organisation.pk}")
        if forms[bound].is_valid():
            forms[bound].save()
            messages.success(request, "The rule was added.")
            return redirect(f"{request.path}?organisation={organisation.pk}")
    return render(
        request,
        "approvals/policy.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "forms": forms,
            "levels": organisation.approval_levels.prefetch_related("approvers"),
            "category_rules": organisation.category_rules.prefetch_related("approvers"),
            "supplier_limits": organisation.supplier_limits.select_related(
                "supplier"
            ).prefetch_related("approvers"),
            "setting_changes": organisation.events.select_related("actor")[:10],
        },
    )
