"""The storefront's audit trail: every cXML document sent or received."""
