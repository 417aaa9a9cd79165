"""No import cycle among the modules of ``punchin``: each module can be read, tested and
moved after the ones it imports. An import inside a function still counts, since
deferring an import hides a cycle without removing it. grimp builds the graph (it is
what import-linter runs on); its layer contracts see packages, this test sees modules.
"""

from __future__ import annotations

import grimp


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("punchin", cache_dir=None)
    cycles = set()
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycle = (importer, *back)
                start = cycle.index(min(cycle[:-1]))  # one rotation per cycle
                cycles.add(" -> ".join(cycle[start:-1] + cycle[:start] + (cycle[start],)))
    assert not cycles, "\n".join(sorted(cycles))
