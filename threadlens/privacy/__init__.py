"""Privacy: consent manifests (:mod:`.manifest`), pseudonym keys (:mod:`.keys`) and pseudonymisation of
non-parties (:mod:`.pseudonyms`): only submitted or consented data is analysed, and people who are not parties
to a case are not exposed."""
