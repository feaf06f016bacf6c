"""Error-code and spec tables wherever they are: CSV, XLSX, and the tables,
sections and lists inside documents."""
