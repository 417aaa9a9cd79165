"""Classic PunchOut, the supplier's side: a purchasing system opens a shopping session."""
