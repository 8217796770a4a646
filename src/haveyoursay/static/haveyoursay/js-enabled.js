// Marks the page as having JavaScript before anything is drawn, so GOV.UK Frontend's
// components don't flash from their no-JavaScript look: loaded as a plain (blocking) script
// at the top of <body>, from this file rather than inline, which the Content-Security-Policy
// forbids. `govuk-frontend-supported` is what isSupported() in haveyoursay.js checks.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
