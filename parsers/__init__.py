"""Reading submissions: bytes → ``RawDocument`` (``parsers.formats``) → ``Form`` (``parsers.forms``).

``text`` (cell text normalisation) and ``numbers`` (the only string → number code) are shared by
both floors.
"""
