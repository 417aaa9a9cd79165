"""Header/From, To and Sender of a cart may each carry several Credentials in different
domains (the DTD's ``From (Credential+, Correspondent?)``; Ariba Network documents name a
party by NetworkID beside DUNS or a private id): one matching the partner's configured
domain and identity is enough, wherever it stands."""

from __future__ import annotations

import pytest

from punchin.cxml import parse
from punchin.cxml.errors import Forbidden
from punchin.procurement.partners.models import SupplierPartner
from punchin.procurement.partners.services import check_message_parties

# Written for punchin: the partner's NetworkID credential comes after a DUNS one in each
# party, in a domain spelt differently from the configured one (``NetworkId``).
SEVERAL = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="1733140000.1.7@store.example" timestamp="2026-12-02T14:00:00+00:00">
  <Header>
    <From>
      <Credential domain="DUNS"><Identity>381614494</Identity></Credential>
      <Credential domain="NetworkId"><Identity>AN01000000001</Identity></Credential>
    </From>
    <To>
      <Credential domain="DUNS"><Identity>118902334</Identity></Credential>
      <Credential domain="NetworkID"><Identity>AN02000000002</Identity></Credential>
    </To>
    <Sender>
      <Credential domain="PrivateID"><Identity>store-7</Identity></Credential>
      <Credential domain="NetworkID"><Identity>AN01000000001</Identity></Credential>
      <UserAgent>Store</UserAgent>
    </Sender>
  </Header>
  <Message>
    <PunchOutOrderMessage>
      <BuyerCookie>cookie-1</BuyerCookie>
      <PunchOutOrderMessageHeader operationAllowed="edit">
        <Total><Money currency="USD">0.00</Money></Total>
      </PunchOutOrderMessageHeader>
    </PunchOutOrderMessage>
  </Message>
</cXML>
"""


def partner(**identities: str) -> SupplierPartner:
    return SupplierPartner(
        name="Store",
        credential_domain="NetworkID",
        from_identity=identities.get("from_identity", "AN01000000001"),
        sender_identity=identities.get("sender_identity", "AN01000000001"),
        buyer_identity=identities.get("buyer_identity", "AN02000000002"),
    )


def test_a_matching_credential_among_several_names_each_party() -> None:
    header = parse(SEVERAL).header
    assert header is not None
    check_message_parties(partner(), header)


@pytest.mark.parametrize(
    ("identities", "refusal"),
    [
        ({"from_identity": "381614494"}, "Header/From"),  # the DUNS one is not in our domain
        ({"sender_identity": "store-7"}, "Header/Sender"),
        ({"buyer_identity": "118902334"}, "Header/To"),
    ],
)
def test_a_credential_in_another_domain_does_not_count(
    identities: dict[str, str], refusal: str
) -> None:
    header = parse(SEVERAL).header
    assert header is not None
    with pytest.raises(Forbidden, match=refusal):
        check_message_parties(partner(**identities), header)
