"""sox_evidence's pure logic: the IPE catalog, cutoff rules, statements, checks, run records."""
