"""Server-rendered pages: the accessible enquiry form for prospective carers."""
