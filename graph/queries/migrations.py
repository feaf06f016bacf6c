"""Bookkeeping of applied migrations."""

APPLIED = """
MATCH (m:Migration)
RETURN m.version AS version, m.description AS description, m.checksum AS checksum,
       m.applied_at AS applied_at
ORDER BY version
"""

RECORD = """
MERGE (m:Migration {version: $version})
SET m.id = $id, m.description = $description, m.checksum = $checksum,
    m.applied_at = timestamp(), m.backend = $backend
"""
