"""Employer pages, one module per area: the list and export (``listing``), the electronic archive
(``archive``), create/edit/merge/split and snapshots (``edit``), the worker roster (``roster``)."""
