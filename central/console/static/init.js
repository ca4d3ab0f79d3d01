// Progressive enhancement: every console page works without this file.
import { initAll } from "/console/assets/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
