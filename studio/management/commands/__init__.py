"""Management commands of the studio (first beheerder, ...)."""
