"""P9's "Send test request" from the purchasing system's configuration page.

A test end to end (docs/test-mode.md): the setup request goes in deploymentMode test
and its PoomUrl serves one line, clearly a sample, so the purchasing system checks a
cart exactly as it checks a real one; one that honours the mode creates nothing from
it. Nothing is retried; the admin reads the outcome in their own words, the answer as
it came one click away.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from punchin.cxml.cart import Line
from punchin.cxml.status import Outcome
from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import DeploymentMode, PurchasingSystem
from punchin.storefront.submissions.documents import note_outcome, prepare, record_answer
from punchin.storefront.submissions.judge import Verdict
from punchin.storefront.submissions.sending import send
from punchin.transport import HttpReply
from punchin.web import lanes

SAMPLE_PART_ID = "PUNCHIN-TEST-SAMPLE"
SAMPLE_CURRENCY = "USD"
SAMPLE = Line(
    quantity=1,
    supplier_part_id=SAMPLE_PART_ID,
    supplier_part_auxiliary_id="",
    description="Sample line of a test request: not a product, nothing to order",
    short_name="Test request sample",
    unit_price=Decimal("1.00"),
    unit_of_measure="EA",
    unspsc="",
    manufacturer_part_id="",
    manufacturer_name="",
    url="",
    lead_time_days=None,
)


def in_admin_words(verdict: Verdict) -> str:
    """What the outcome means to the admin who pressed the button, and what to check."""
    if verdict.outcome is Outcome.SUCCESS:
        return "Your purchasing system accepted the test request."
    code = verdict.status_code or verdict.http_status
    if code is None:  # no answer at all
        if verdict.outcome is Outcome.TRANSIENT:
            return (
                "The test request did not reach your purchasing system. Try again in a few "
                "minutes; if it keeps failing, check the endpoint URL."
            )
        return (
            "The test request could not be sent: check the endpoint URL and the "
            "authentication settings."
        )
    if verdict.status_code is None:
        status = f"HTTP {verdict.http_status}"
    else:
        status = f"{verdict.status_code} {verdict.status_text}".strip()
    if code in (401, 403):
        return (
            f"Your purchasing system refused the test request ({status}): it did not "
            "recognise this store. Check the SharedSecret, the From, To and Sender "
            "identities and the user ID and password against the ones it has for you."
        )
    if verdict.status_code is None:
        return (
            f"Your purchasing system answered {status} without a cXML answer: check that "
            "the endpoint URL is its Punch-in endpoint."
        )
    if 200 <= code < 300:
        return (
            "Your purchasing system accepted the test request but sent no usable StartPage "
            "address, so a buyer would have nowhere to go: ask its administrators about it."
        )
    if verdict.outcome is Outcome.TRANSIENT:
        return (
            f"Your purchasing system had a problem with the test request ({status}). Try "
            "again in a few minutes."
        )
    said = f" It said: {verdict.detail}" if verdict.detail else ""
    return f"Your purchasing system refused the test request ({status}).{said}"


def _record_test(
    system: PurchasingSystem, request_id: int, verdict: Verdict, reply: HttpReply | None
) -> CxmlDocument | None:
    answer = record_answer(system, verdict, reply)
    note_outcome(request_id, verdict)
    return answer


async def send_test_request(
    system: PurchasingSystem, user_email: str, base_url: str
) -> tuple[Verdict, CxmlDocument | None]:
    """A setup request in deploymentMode test whose PoomUrl serves the sample line; the
    verdict's message is ``in_admin_words``."""
    prepared = await lanes.call(
        prepare, system, user_email, [SAMPLE], SAMPLE_CURRENCY, base_url, DeploymentMode.TEST
    )
    verdict, reply = await send(system, prepared.setup_request.sent)
    verdict = replace(verdict, message=in_admin_words(verdict))
    answer = await lanes.call(_record_test, system, prepared.setup_request.pk, verdict, reply)
    return verdict, answer
