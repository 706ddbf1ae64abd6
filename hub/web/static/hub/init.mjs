// Start GOV.UK Frontend's components (error summary focus, radios, character count...).
// Every page works without it.
import { initAll } from '/assets/govuk-frontend.min.js'
initAll()
