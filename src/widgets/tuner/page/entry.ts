/**
 * The browser bundle's entry: defines `window.filtermineTuner` (mount, the miner driver and the
 * decoder). Built by scripts/build-browser.js; never imported by Node code.
 */
import { decodeTuner, mineTuner, mount } from './main';

const api = { mount, mineTuner, decodeTuner, format: 'filtermine-tuner-1' };
if (typeof window !== 'undefined') (window as unknown as { filtermineTuner: typeof api }).filtermineTuner = api;
