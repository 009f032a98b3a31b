"""Word documents from docxtpl-style templates: the package (``package``), where a Jinja line
came from (``places``), pictures (``pictures``), table grids and sections (``tables``), the
fast path without a tree (``fast_path``) and the engine (``engine``)."""
