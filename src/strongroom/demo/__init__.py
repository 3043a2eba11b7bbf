"""``strongroom demo``: a narrated, verified walk through every system on the local stack."""
