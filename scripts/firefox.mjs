// The second engine the tests and the benchmark drive: Debian's firefox-esr, through
// puppeteer-core over WebDriver BiDi (puppeteer-core never downloads a browser).
import puppeteer from 'puppeteer-core';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * Fake camera and microphone without a prompt, autoplay, and ICE on loopback. Firefox gathers
 * candidates on every interface only once camera and microphone are allowed (`permissions.default.*`);
 * otherwise it offers the default-route address alone, which a loopback-only namespace lacks.
 */
export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
  'media.peerconnection.ice.loopback': true,
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
  // Screen capture (headed only) shares a screen without a picker.
  'media.getdisplaymedia.enabled': true,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'app.update.enabled': false,
};

/**
 * Starts Firefox. `headed` needs a display (DISPLAY set, e.g. by Xvfb): headless Firefox has no
 * screen to capture.
 */
export function launchFirefox({ headed = false, env = process.env } = {}) {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: !headed,
    extraPrefsFirefox: FIREFOX_PREFS,
    env,
  });
}
