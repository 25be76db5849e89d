/** Puppeteer must not download Chrome at install time: the registry-only network refuses it.
 *  Rendering uses an installed Chromium instead (see generators/mermaid). */
module.exports = { skipDownload: true };
