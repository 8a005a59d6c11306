"""Segmentation, matching, checks, batch running and the dataset writer. The only writer of output."""
