"""The preview server: HTTP, the reload channel and the file watcher."""
