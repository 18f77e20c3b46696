"""Clinical-trial pre-screening for OncoLens: an offline ClinicalTrials.gov snapshot, an
opt-in live ClinicalTrials.gov API v2 client, eligibility-text parsing and a pre-screen
that says which trials may fit a profile and what to ask about. It never claims that
anyone is eligible."""
