"""Format parsers: a file's bytes → ``RawDocument`` (paragraphs and tables of cells with true
spans, in document order). One parser per format behind ``base.Parser``, registered in
``registry.PARSERS``; ``detect`` tells a file's format by its content. Parsers are pure and know
nothing of forms, indicators or rules.
"""
