"""The foster-carer enquiry routing hub. Rooms by domain; see docs/architecture.md."""
