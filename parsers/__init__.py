"""Format parsers: a file's bytes → ``RawDocument`` (tables of cells with true spans).

Parsers are pure and know nothing of forms, indicators or rules. One parser per format, registered
in ``parsers.registry.PARSERS``.
"""
