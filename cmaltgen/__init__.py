"""cmaltgen: build a validated, accessible CMALT portfolio website from Markdown and YAML."""

__version__ = "0.1.0"
