"""The static site: `prosedur build` (master list, procedure pages, documents)."""
