"""Batch execution: inputs → ``discover`` (every file accounted for) → ``plan`` (what changed) →
``jobs`` run by an executor (in process, sandboxed local workers, Dask) → ``run`` (commits)."""
