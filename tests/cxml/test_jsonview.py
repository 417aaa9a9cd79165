"""The JSON view of typed models: exact amounts, ISO times, class names, kept extras."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from punchin.cxml.binding import Raw
from punchin.cxml.common import Money
from punchin.cxml.envelope import Credential, CredentialMac, Identity, SharedSecret
from punchin.cxml.jsonview import to_jsonable
from punchin.cxml.safety import Repair


def test_money_keeps_every_digit_as_a_string() -> None:
    money = Money(amount=Decimal("0.1000000000000000055511151231257827"), currency="USD")
    assert to_jsonable(money) == {
        "type": "Money",
        "amount": "0.1000000000000000055511151231257827",
        "currency": "USD",
        "alternate_amount": None,
        "alternate_currency": None,
    }
    assert to_jsonable(Money(amount=Decimal("1E+2"), currency="EUR"))["amount"] == "100"  # type: ignore[index,call-overload]


def test_times_extras_and_the_type_attribute() -> None:
    created = datetime(2003, 1, 15, 8, 42, 46, tzinfo=timezone(timedelta(hours=-8)))
    credential = Credential(
        domain="NetworkID",
        identity=Identity(value="AN9900000100"),
        credential_mac=CredentialMac(
            value="cR6Jpz58nriXERDN",
            type="FromSenderCredentials",
            algorithm="HMAC-SHA1-96",
            creation_date=created,
            expiration_date=created + timedelta(hours=3),
        ),
        type="marketplace",
        extra_attrs=(("future", "yes"),),
        extras=(Raw("Correspondent", "<Correspondent><Contact/></Correspondent>"),),
    )
    view = to_jsonable(credential)
    assert isinstance(view, dict)
    assert view["type"] == "Credential"
    assert view["type_"] == "marketplace"  # the cXML attribute, apart from the class name
    assert view["extra_attrs"] == {"future": "yes"}
    assert view["extras"] == ["<Correspondent><Contact/></Correspondent>"]
    mac = view["credential_mac"]
    assert isinstance(mac, dict)
    assert mac["creation_date"] == "2003-01-15T08:42:46-08:00"
    assert mac["expiration_date"] == "2003-01-15T11:42:46-08:00"
    assert "extras" not in mac  # empty extras are left out
    json.dumps(view)  # plain JSON all the way down


def test_shared_secret_is_masked() -> None:
    assert to_jsonable(SharedSecret(value="hunter2")) == {"type": "SharedSecret", "value": "***"}


def test_other_dataclasses_and_sequences() -> None:
    assert to_jsonable((Repair("escaped raw '&'", 1),)) == [
        {"type": "Repair", "what": "escaped raw '&'", "line": 1}
    ]


def test_unknown_values_are_refused() -> None:
    with pytest.raises(TypeError, match="float"):
        to_jsonable(0.1)
