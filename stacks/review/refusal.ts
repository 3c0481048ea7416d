/**
 * A synthesis refused because it would lose something without the user's confirmation (a
 * replacement of what holds data, a stack dropped while its state holds resources). Nothing was
 * written; the message says how to confirm. The command line exits 1 on it, like a bad config.
 */
export class ChangeRefusedError extends Error {}
