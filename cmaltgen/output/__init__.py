"""Outputs: the one seam where pages go (a folder, a zip, a git branch)."""
