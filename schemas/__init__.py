"""Records, vocabulary, rules and output schemas. Imports neither ``parsers`` nor ``pipeline``."""
