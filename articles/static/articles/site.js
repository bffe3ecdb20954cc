// KT News reader site: small enhancements on top of pages that work without them.
//
// Every module only reads data-* attributes the templates already carry, and
// runs under the site's Content-Security-Policy (script-src 'self', no inline
// styles): styles are set through classes, custom properties and the CSSOM.
import { initComments } from "./comments.js";
import { initEditWindow } from "./edit-window.js";
import { initFontSize } from "./font-size.js";
import { initReadBeacon } from "./read-beacon.js";
import { initShare } from "./share.js";
import { initSiteHeader } from "./site-header.js";
import { initStatusBar } from "./status-bar.js";

for (const init of [initSiteHeader, initStatusBar, initShare, initFontSize, initReadBeacon, initComments, initEditWindow]) {
  try {
    init(document);
  } catch (error) {
    // One broken enhancement must not take the others with it; the error still reaches the console.
    reportError(error);
  }
}
