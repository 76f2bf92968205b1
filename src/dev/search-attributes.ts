/**
 * The project's custom search attributes on a Temporal server that is already running (the demo's
 * `--temporal-address`): the missing ones are registered through the operator API, the present ones are left as they
 * are. The dev server the stack starts itself gets them as `--search-attribute` flags instead.
 */
import type { Connection } from '@temporalio/client';
import { searchAttributeKeys } from '../contract';
import { waitFor } from './wait';

/** The operator API's IndexedValueType (a protobuf enum), without importing @temporalio/proto. */
type IndexedValueType = NonNullable<
  Parameters<Connection['operatorService']['addSearchAttributes']>[0]['searchAttributes']
>[string];

/** The IndexedValueType of each search attribute type (the numbers of temporal.api.enums.v1.IndexedValueType). */
const indexedValueTypes = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
} as unknown as Partial<Record<string, IndexedValueType>>;

/** What {@link ensureSearchAttributes} did: the attribute names it registered and the ones already there. */
export interface SearchAttributesOutcome {
  registered: string[];
  present: string[];
}

/**
 * Registers the contract's search attributes (AgoraChannel, AgoraSid, RecordingStatus) that `namespace` lacks on the
 * server behind `connection`, then waits until the server lists all of them.
 * @throws Error when an attribute exists with another type, or the server refuses the registration
 */
export async function ensureSearchAttributes(
  connection: Pick<Connection, 'operatorService'>,
  namespace: string,
  keys: readonly { name: string; type: string }[] = searchAttributeKeys,
): Promise<SearchAttributesOutcome> {
  const list = async (): Promise<Partial<Record<string, IndexedValueType>>> =>
    (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes;
  const existing = await list();
  const missing: Record<string, IndexedValueType> = {};
  const present: string[] = [];
  for (const key of keys) {
    const want = indexedValueTypes[key.type];
    if (want === undefined) throw new Error(`search attribute ${key.name}: unknown type ${key.type}`);
    const have = existing[key.name];
    if (have === undefined) {
      missing[key.name] = want;
    } else if (have !== want) {
      throw new Error(
        `search attribute ${key.name} exists on namespace ${namespace} with another type (${String(have)}, not ${key.type})`,
      );
    } else {
      present.push(key.name);
    }
  }
  const registered = Object.keys(missing);
  if (registered.length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    // The registration is visible through the operator API once the server has applied it.
    await waitFor(
      `search attributes ${registered.join(', ')} to be listed after registering them`,
      async () => {
        const now = await list();
        return registered.every((name) => now[name] !== undefined) ? true : undefined;
      },
      { timeoutMs: 10_000, everyMs: 200, onError: 'throw' },
    );
  }
  return { registered, present };
}
