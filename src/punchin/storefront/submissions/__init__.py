"""Punch-in submission (P4-P7, P14-P23): the cart goes to the buyer's e-procurement
system as a PunchOutOrderMessage behind a PoomUrl, announced by a PunchOutSetupRequest."""
