"""Excel workbooks from a ``WorkbookSpec``: styles and page setup (``styles``), room for text
(``geometry``), cell values and reproducible bytes (``values``), the sheet XML (``writer``)
and the engine that lays sheets out (``engine``)."""
