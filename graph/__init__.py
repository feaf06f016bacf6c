"""The graph store: one interface, two backends (embedded FalkorDB, Neo4j)."""
