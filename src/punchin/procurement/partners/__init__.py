"""Supplier partners: who may punch in, how they authenticate, where their carts live."""
