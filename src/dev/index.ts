/** The local stack for the demo, the bench and the tests (see stack.ts), its ports and the one polling wait. */
export { DEMO_STORAGE_PROFILE, EMULATED, realAgoraRequested, startStack } from './stack';
export type { Stack, StackOptions } from './stack';
export { freePort, portInUse } from './ports';
export { ensureSearchAttributes } from './search-attributes';
export type { SearchAttributesOutcome } from './search-attributes';
export { sleep, waitFor, WaitTimeoutError } from './wait';
export type { WaitOptions } from './wait';
