"""The council's own case system: exports, the changes feed, bulk import of outcomes."""
