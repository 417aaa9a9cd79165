"""Business accounts, their users and groups, and what each group may buy (P12)."""
