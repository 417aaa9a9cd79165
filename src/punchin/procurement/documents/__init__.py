"""The audit trail of every cXML document procurement received or sent."""
