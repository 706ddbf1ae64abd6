"""What an enquirer does to their own enquiry through the link in their confirmation e-mail:
withdraw it, correct their phone or e-mail, withdraw keep-in-touch consent."""
