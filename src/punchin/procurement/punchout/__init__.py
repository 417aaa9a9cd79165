"""Classic PunchOut, the buyer's side: the suppliers requesters shop at, the sessions
started there, and the carts their browsers bring back (docs/punchout.md)."""
