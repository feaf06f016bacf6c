"""The ingest: finding files, parsing them by kind, writing their facts, validation, watching."""
