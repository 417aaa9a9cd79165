"""The supplier side of Punch-in: a business storefront (the role Amazon Business plays).

Buyers sign in, search the catalog, fill a cart and check out; a Punch-in buyer's cart
goes to the buying organisation's e-procurement system as a PunchOutOrderMessage
(P4-P7), a direct buyer's cart simply becomes an order.
"""
