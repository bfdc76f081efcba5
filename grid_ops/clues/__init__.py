"""未诉先办 from the internet: posts that name a place in their own words, placed, classified and
checked against what was already reported (``gridgov:clues``), and one case turned into a sweep of
every grid with the same class of problem (``gridgov:classsweep``).

* ``places``: the book of the map's own names (roads, estates and points of interest of the
  gazetteer, landmarks = dedicated grids) and the text matching over it: an Aho–Corasick automaton
  (pyahocorasick) for the names as written, rapidfuzz for near-misses (a typo in a name);
* ``reading``: what one post says of its place: an address (road + house number), an
  intersection (two roads and a joining word), an estate, a landmark, a road, and the geotag;
* ``engine``: a table of posts through the whole run: place, classify, assign, deduplicate, status;
* ``sweep``: the grids of one class case over the last months, ranked, with the places named.

May import: ``runtime``, ``pip``, ``grids``, ``orders``, ``responsibility``.
"""
