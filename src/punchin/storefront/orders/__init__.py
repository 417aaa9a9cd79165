"""Purchase orders the buyer's system sends after approval (P8), and their fulfilment."""
