"""Field extractors: each module exposes FIELDS, extract(text) and optionally summarize(findings)."""
