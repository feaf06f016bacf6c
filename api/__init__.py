"""The Starlette application (GraphQL at /graphql, health at /healthz), settings and CLI."""
