"""P9's "Send test request" from the purchasing system's configuration page."""

from __future__ import annotations

from asgiref.sync import sync_to_async

from punchin.storefront.documents.models import CxmlDocument
from punchin.storefront.integration.models import DeploymentMode, PurchasingSystem
from punchin.storefront.submissions.documents import note_outcome, prepare, record_answer
from punchin.storefront.submissions.judge import Verdict
from punchin.storefront.submissions.sending import send
from punchin.transport import HttpReply


def _record_test(
    system: PurchasingSystem, request_id: int, verdict: Verdict, reply: HttpReply | None
) -> CxmlDocument | None:
    answer = record_answer(system, verdict, reply)
    note_outcome(request_id, verdict)
    return answer


async def send_test_request(
    system: PurchasingSystem, user_email: str, base_url: str
) -> tuple[Verdict, CxmlDocument | None]:
    """P9's "Send test request": a setup request in deploymentMode test whose PoomUrl
    serves an empty cart; nothing is retried, the answer is shown as it came."""
    prepared = await sync_to_async(prepare)(
        system, user_email, [], "USD", base_url, DeploymentMode.TEST
    )
    verdict, reply = await send(system, prepared.setup_request.sent)
    answer = await sync_to_async(_record_test)(system, prepared.setup_request.pk, verdict, reply)
    return verdict, answer
