// GOV.UK Frontend's "js-enabled" class, from a file rather than the template's inline script
// (the pages' Content-Security-Policy allows no inline script). Loaded first in <body>.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
