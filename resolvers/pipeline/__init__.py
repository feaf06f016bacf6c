"""The answer pipeline: question analysis, retrieval and ranking, synthesis,
confidence. It imports neither strawberry nor ``schema/`` nor ``api/``: the GraphQL
resolvers, the CLI and the benchmarks all call it the same way."""
