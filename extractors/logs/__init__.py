"""Log files: header formats, template mining, log templates into the graph."""
