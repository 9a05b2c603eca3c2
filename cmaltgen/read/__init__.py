"""Reading: what is on disk becomes typed data
(files, located YAML, config, framework, documents, Markdown).
"""
