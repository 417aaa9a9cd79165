"""Requisitions built from punched-in carts, the StartPage landing and submission."""
