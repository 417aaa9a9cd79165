"""The product catalog: items with their cXML identity and classification, and search."""
