"""The pipeline: forms checked against the scoring rules (``checks``), one file read and checked
(``extract``), batches run and committed (``batch``) into a Parquet dataset (``dataset``), and
the review tools over it (``review``); ``cli`` is the ``jixiao`` command."""
