"""Reading: what is on disk becomes typed data (files, YAML, config, framework, documents)."""
