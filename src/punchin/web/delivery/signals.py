"""``delivery_settled``: a delivery reached a final state (delivered or needs attention).

Sent once per settlement, by the one process whose guarded state change won, inside
the transaction that made the change: a receiver's writes (a purchase order marked
acknowledged) commit together with the delivery's state, or not at all. Arguments:
``sender=OutboundDelivery``, ``delivery`` (the row, already in its new state).
A delivery that staff send again ("Retry now") settles, and signals, again.
"""

from django.dispatch import Signal

delivery_settled = Signal()
