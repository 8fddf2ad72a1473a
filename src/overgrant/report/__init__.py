"""Reports: summaries and findings rendered for people (console, Markdown, HTML) and tools."""
