"""Source corpora (one folder plus a MANIFEST.tsv each) and the code that reads them."""
