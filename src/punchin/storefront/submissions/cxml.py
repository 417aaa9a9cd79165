"""The storefront's Punch-in documents: built by ``punchin.cxml.cart``."""

from punchin.cxml.cart import Line, punch_out_order_message, punch_out_setup_request

__all__ = ["Line", "punch_out_order_message", "punch_out_setup_request"]
