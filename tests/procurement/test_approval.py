"""Approval policies, the approver's queue and decisions, history and e-mail."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from punchin.procurement.accounts.models import Membership
from punchin.procurement.approvals import services as approvals
from punchin.procurement.approvals.models import (
    ApprovalLevel,
    CategoryRule,
    RuleAction,
    StepState,
    SupplierLimit,
)
from punchin.procurement.orders.models import PurchaseOrder
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.requisitions.models import State
from punchin.web import demo
from punchin.web.delivery.models import OutboundDelivery
from punchin.web.statemachine import InvalidTransition
from tests.procurement import flow
from tests.signin import login

pytestmark = pytest.mark.django_db

BIG = (flow.line(1, "LAPTOP-14", "4", "1500.00", unspsc="43211503"),)  # 6,000 USD


@pytest.fixture(autouse=True)
def seeded() -> None:
    call_command("seed_demo", storefront_url="http://127.0.0.1:8001")


def names(steps: list[approvals.PlannedStep]) -> list[str]:
    return [s.name for s in steps]


def test_threshold_chain_manager_then_finance_above_the_limit() -> None:
    assert names(approvals.plan(flow.draft(), "CC-1")) == ["Manager"]
    big = approvals.plan(flow.draft(BIG, payload_id="big@store.test"), "CC-1")
    assert names(big) == ["Manager", "Finance"]
    assert big[1].reason == (
        "total 6,006.04 USD with delivery 4.95 and tax 1.09 is at least 5,000.00 USD"
    )


def test_approval_thresholds_include_the_delivery_charge_at_the_boundary() -> None:
    """Lines of 4,993.96 with 4.95 delivery and 1.09 tax cost 5,000.00: the finance
    step (from 5,000.00) applies; a cent less of lines, it does not."""
    at = (flow.line(1, "DESK", "1", "4993.96"),)
    under = (flow.line(1, "DESK", "1", "4993.95"),)
    reached = approvals.plan(flow.draft(at, payload_id="at@store.test"), "CC-1")
    assert names(reached) == ["Manager", "Finance"]
    assert reached[1].reason.startswith("total 5,000.00 USD with delivery 4.95")
    assert names(approvals.plan(flow.draft(under, payload_id="under@store.test"), "CC-1")) == [
        "Manager"
    ]


def test_supplier_limits_compare_the_total_with_delivery() -> None:
    limit = SupplierLimit.objects.create(
        organisation=SupplierPartner.objects.get().organisation,
        supplier=SupplierPartner.objects.get(),
        limit=Decimal("15.00"),
    )
    limit.approvers.add(flow.user(demo.PROCUREMENT_ADMIN))
    # Lines of 12.30: under the limit alone, above it with 4.95 delivery and 1.09 tax.
    steps = approvals.plan(flow.draft(), "CC-1")
    assert names(steps) == ["Manager", "Supplier limit"]
    assert steps[1].reason.endswith("(total 18.34 USD with delivery 4.95 and tax 1.09)")


def test_a_level_of_one_cost_centre_applies_to_it_only() -> None:
    level = ApprovalLevel.objects.create(
        organisation=SupplierPartner.objects.get().organisation,
        name="Lab head",
        sequence=15,
        cost_centre="LAB-7",
    )
    level.approvers.add(flow.user(demo.APPROVER))
    requisition = flow.draft()
    assert names(approvals.plan(requisition, "LAB-7")) == ["Manager", "Lab head"]
    assert names(approvals.plan(requisition, "CC-1")) == ["Manager"]


def test_category_rules_add_an_approver_or_block() -> None:
    organisation = SupplierPartner.objects.get().organisation
    rule = CategoryRule.objects.create(
        organisation=organisation, segment="26", action=RuleAction.APPROVE, reason="cabling"
    )
    rule.approvers.add(flow.user(demo.PROCUREMENT_ADMIN))
    requisition = flow.draft()
    steps = approvals.plan(requisition, "CC-1")
    assert names(steps) == ["Manager", "Category 26"]
    assert steps[1].reason == "UNSPSC segment 26 (cabling)"
    CategoryRule.objects.filter(pk=rule.pk).update(action=RuleAction.BLOCK)
    with pytest.raises(approvals.Blocked, match=r"UNSPSC segment 26 \(cabling\) may not be bought"):
        approvals.plan(requisition, "CC-1")


def test_supplier_limits_add_an_approver_or_block() -> None:
    partner = SupplierPartner.objects.get()
    limit = SupplierLimit.objects.create(
        organisation=partner.organisation,
        supplier=partner,
        limit=Decimal(10),
        action=RuleAction.APPROVE,
    )
    limit.approvers.add(flow.user(demo.PROCUREMENT_ADMIN))
    requisition = flow.draft()  # 12.30 USD
    assert names(approvals.plan(requisition, "CC-1")) == ["Manager", "Supplier limit"]
    SupplierLimit.objects.filter(pk=limit.pk).update(action=RuleAction.BLOCK)
    with pytest.raises(approvals.Blocked, match=r"above 10\.00 USD \(total 18\.34 USD.*\) may not"):
        approvals.plan(requisition, "CC-1")
    SupplierLimit.objects.filter(pk=limit.pk).update(limit=Decimal(100))
    assert names(approvals.plan(requisition, "CC-1")) == ["Manager"]


def test_no_rule_means_no_submission() -> None:
    ApprovalLevel.objects.all().delete()
    with pytest.raises(approvals.Blocked, match="no approval rule of Acme Corporation"):
        approvals.plan(flow.draft(), "CC-1")


def test_self_approval_is_impossible() -> None:
    # The approver buys for herself: the Manager step has nobody else, so no submission.
    requisition = flow.draft(requester=demo.APPROVER)
    with pytest.raises(approvals.Blocked, match="no approver other than you"):
        approvals.submit(requisition, flow.user(demo.APPROVER), flow.CODING)
    # With a second approver the step goes to them only, and she cannot decide it.
    ApprovalLevel.objects.get(name="Manager").approvers.add(flow.user(demo.PROCUREMENT_ADMIN))
    approvals.submit(requisition, flow.user(demo.APPROVER), flow.CODING)
    step = requisition.approval_steps.get()
    assert [a.email for a in step.approvers.all()] == [demo.PROCUREMENT_ADMIN]
    with pytest.raises(approvals.NotYours, match="Nobody approves their own"):
        approvals.decide(requisition, flow.user(demo.APPROVER), approve=True, comment="")
    assert requisition not in approvals.queue_for(flow.user(demo.APPROVER))


def test_chain_goes_step_by_step(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        requisition = flow.submitted(BIG, payload_id="big@store.test")
    assert [m.to for m in mail.outbox] == [[demo.APPROVER]]
    assert "Approval needed" in mail.outbox[0].subject
    finance = flow.user(demo.PROCUREMENT_ADMIN)
    assert requisition not in approvals.queue_for(finance)  # not finance's turn yet
    with pytest.raises(approvals.NotYours):
        approvals.decide(requisition, finance, approve=True, comment="")
    with django_capture_on_commit_callbacks(execute=True):
        said = approvals.decide(requisition, flow.user(demo.APPROVER), approve=True, comment="ok")
    assert said.endswith("now waits for Finance.")
    assert mail.outbox[-1].to == [demo.PROCUREMENT_ADMIN]
    requisition.refresh_from_db()
    assert requisition.state == State.SUBMITTED
    assert list(approvals.queue_for(finance)) == [requisition]
    assert not OutboundDelivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        approvals.decide(requisition, finance, approve=True, comment="budget ok")
    requisition.refresh_from_db()
    assert requisition.state == State.APPROVED
    assert mail.outbox[-1].to == [demo.PUNCHIN_BUYER]
    assert "PO-" in mail.outbox[-1].body
    assert PurchaseOrder.objects.filter(requisition=requisition).exists()


def test_approver_queue_review_and_approve_over_http(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    requisition = flow.draft()
    login(client, username=demo.PUNCHIN_BUYER, password=demo.PASSWORD)
    submit = reverse("requisitions:submit", args=[requisition.number])
    refused = client.post(submit, {"cost_centre": "", "gl_account": ""})
    assert refused.status_code == 400
    client.post(submit, {"cost_centre": "CC-4100", "gl_account": "6100", "note": "thanks"})
    client.logout()

    login(client, username=demo.APPROVER, password=demo.PASSWORD)
    queue = client.get(reverse("approvals:queue")).content.decode()
    assert requisition.number in queue
    review = client.get(reverse("approvals:review", args=[requisition.number])).content.decode()
    assert 'id="approve"' in review
    assert "CC-4100" in review
    decide = reverse("approvals:decide", args=[requisition.number])
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(decide, {"decision": "approve", "comment": "go ahead"}, follow=True)
    order = PurchaseOrder.objects.get(requisition=requisition)
    assert f"purchase order {order.number} was sent" in done.content.decode()
    again = client.post(decide, {"decision": "approve", "comment": ""}, follow=True)
    assert "already approved" in again.content.decode()
    client.logout()

    login(client, username=demo.PUNCHIN_BUYER, password=demo.PASSWORD)
    page = client.get(reverse("requisitions:detail", args=[requisition.number])).content.decode()
    assert "Approved" in page
    assert order.number in page
    assert "approved (Manager)" in page
    assert "go ahead" in page
    assert mail.outbox[-1].to == [demo.PUNCHIN_BUYER]


def test_reject_needs_a_comment_and_tells_the_supplier(client: Client) -> None:
    requisition = flow.submitted()
    login(client, username=demo.APPROVER, password=demo.PASSWORD)
    decide = reverse("approvals:decide", args=[requisition.number])
    page = client.post(decide, {"decision": "reject", "comment": " "}, follow=True)
    assert "Say why in the comment" in page.content.decode()
    client.post(decide, {"decision": "reject", "comment": "over budget"})
    requisition.refresh_from_db()
    assert requisition.state == State.REJECTED
    step = requisition.approval_steps.get()
    assert (step.state, step.comment) == (StepState.REJECTED, "over budget")
    delivery = OutboundDelivery.objects.get()
    assert delivery.document_type == "StatusUpdateRequest"
    assert delivery.partner_name == requisition.supplier.name  # what /deliveries/ shows staff
    assert not PurchaseOrder.objects.exists()


def test_the_requester_withdraws_and_approval_is_refused_afterwards() -> None:
    requisition = flow.submitted()
    approvals.cancel(requisition, flow.user(demo.PUNCHIN_BUYER))
    assert requisition.state == State.CANCELLED
    assert requisition.approval_steps.get().state == StepState.CLOSED
    with pytest.raises(InvalidTransition, match="already cancelled"):
        approvals.decide(requisition, flow.user(demo.APPROVER), approve=True, comment="")


def test_policy_page_for_admins_only(client: Client) -> None:
    login(client, username=demo.APPROVER, password=demo.PASSWORD)
    refused = client.get(reverse("approvals:policy"))
    assert refused.status_code == 403
    assert "managed by your organisation&#x27;s procurement admins" in refused.content.decode()
    login(client, username=demo.PROCUREMENT_ADMIN, password=demo.PASSWORD)
    page = client.get(reverse("approvals:policy")).content.decode()
    assert "Manager" in page
    assert "Finance" in page
    approver = flow.user(demo.APPROVER)
    added = client.post(
        reverse("approvals:policy"),
        {
            "kind": "category",
            "category-segment": "43",
            "category-action": RuleAction.APPROVE,
            "category-approvers": [approver.pk],
            "category-reason": "IT equipment",
        },
    )
    assert added.status_code == 302
    assert CategoryRule.objects.get().segment == "43"
    outsider = Membership.objects.get(user__email=demo.PUNCHIN_BUYER).user
    refused = client.post(
        reverse("approvals:policy"),
        {
            "kind": "level",
            "level-name": "X",
            "level-sequence": 1,
            "level-min_amount": "0",
            "level-approvers": [outsider.pk],
        },
    )
    assert refused.status_code == 200  # a non-approver cannot be made an approver
    assert not ApprovalLevel.objects.filter(name="X").exists()


def test_deleting_a_rule_that_is_not_a_number_changes_nothing(client: Client) -> None:
    login(client, username=demo.PROCUREMENT_ADMIN, password=demo.PASSWORD)
    levels = ApprovalLevel.objects.count()
    reply = client.post(reverse("approvals:policy"), {"kind": "level", "delete": "abc"})
    assert reply.status_code == 302
    assert ApprovalLevel.objects.count() == levels
