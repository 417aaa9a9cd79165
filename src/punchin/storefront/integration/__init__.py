"""Configure Purchasing System (P9-P11, P13): the account's e-procurement endpoint."""
