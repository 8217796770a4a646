// Starts GOV.UK Frontend's components (buttons, checkboxes, service navigation, ...) where
// the browser supports them: govuk-frontend.min.js is an ES module exporting initAll and
// isSupported, and isSupported() checks the body's `govuk-frontend-supported` class set in
// base.html. Loaded as <script type="module">, so old browsers never run it. Every page must
// work without this file: it only adds enhancements, never content or a way to submit.
import { initAll, isSupported } from "./govuk-frontend.min.js"; if (isSupported()) initAll();
