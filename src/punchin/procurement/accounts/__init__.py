"""Buyer organisations and their people: Django users who log in with their email."""
