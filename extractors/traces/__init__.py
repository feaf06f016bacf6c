"""Stack traces of several languages: parsing, frames, stable fingerprints."""
