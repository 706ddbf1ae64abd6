"""The prospective carer's pages: start, the question pages, check your answers, the
confirmation and the privacy notice. Imports ``hub.web.shared`` and domain rooms only."""
