"""The councils' changes feed: what changed on each council's referrals, numbered in order."""
