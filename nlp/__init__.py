"""Clinical extraction pipeline for OncoLens.

Plain Python: importable and testable without Django settings or a database.
"""

PIPELINE_VERSION = "0.1.0"
