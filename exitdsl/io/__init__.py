"""Stage 6 and the edges of a run: reading and writing strategy files faithfully, finding
them, diffs and JSON records, logging, and where the packaged data lives."""
