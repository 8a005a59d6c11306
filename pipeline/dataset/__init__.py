"""The dataset on disk, and the only code that reads or writes it: ``rows`` (records → Arrow),
``writer`` (atomic versions, snapshots for readers), ``query`` (DuckDB views), ``atomic``."""
