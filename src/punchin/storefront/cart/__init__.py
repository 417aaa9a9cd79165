"""The cart, checkout (P3) and direct orders."""
