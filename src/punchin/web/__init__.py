"""Django glue both parties share: settings defaults, cXML over HTTP, the document log.

Neither party imports the other; both stand on this layer, which stands on
``punchin.transport`` and ``punchin.cxml``.
"""
