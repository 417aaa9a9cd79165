"""punchin.procurement: the e-procurement side of Punch-in (the buyer's system).

Receives PunchOutSetupRequests from suppliers' stores (P4), fetches their carts from
the PoomUrl (P5), turns each cart into a draft requisition and answers with a
single-use StartPage URL (P6, P22) where the buyer logs in and submits it.
"""
