/** Makes sure `<root>/.build/main.js` is the current bundle of the app; `rebuilt` when it had to build. */
export function ensureAppBundle(root: string): { readonly outfile: string; readonly rebuilt: boolean };
