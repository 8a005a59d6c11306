"""``python -m pipeline …`` is ``jixiao …``."""

from pipeline.cli import entry

if __name__ == "__main__":
    entry()
