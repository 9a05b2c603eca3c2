"""Site: data becomes pages in memory (structure, theme, render, metadata)."""
