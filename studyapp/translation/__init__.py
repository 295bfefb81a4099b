"""Translation: segments (merge, split, regroup), the translation memory, and exchange with other tools (each format
one row: its reader and its writer)."""
