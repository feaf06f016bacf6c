"""Extractors: sources (documents, error-code tables, ...) -> graph facts."""
