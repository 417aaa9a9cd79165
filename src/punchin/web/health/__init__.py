"""Integration health pages (a Django app for its templates; no models): the figures
in ``report``, the pages in ``views``; each party adds a view and a URL per partner."""
