"""Documents: HTML, Markdown, PDF, Word and plain-text manuals, runbooks and
release notes -> sections."""
