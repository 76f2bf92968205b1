/**
 * The secrets check every fault-suite file ends with: the Agora customer secret, the NCS secret and the storage keys
 * (and the Basic auth header made of the customer ID and secret) must appear in no workflow history, no line the
 * processes printed, no answer of the emulator's logs, and no error the scenarios produced.
 */
import { SECRETS, type FaultStack } from './stack';

/** Errors (messages, CLI output, HTTP answers) the scenarios saw; scanned at the end of each file. */
const seenErrors: string[] = [];

/** Keeps an error text (or anything printed to a user) for the final secrets scan. */
export function keepErrorText(text: unknown): void {
  seenErrors.push(text instanceof Error ? `${text.name}: ${text.message}\n${text.stack ?? ''}` : String(text));
}

function toText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}

/** One place a secret was found. */
export interface SecretFinding {
  secret: string;
  where: string;
}

/**
 * Scans every history of the stack's namespace, every log line, the emulator's call and notification logs, and the
 * kept error texts.
 * @returns where each secret was found (empty when clean), and what was scanned
 */
export async function scanForSecrets(
  stack: FaultStack,
): Promise<{ findings: SecretFinding[]; scanned: { histories: number; logBytes: number; errors: number } }> {
  const sources: [string, string][] = [];
  let histories = 0;
  for await (const wf of stack.client.client.workflow.list({ query: '' })) {
    const history = await stack.client.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    sources.push([`history of ${wf.workflowId} (${wf.runId})`, toText(history)]);
    histories++;
  }
  let logBytes = 0;
  for (const [file, text] of Object.entries(stack.logs())) {
    sources.push([`logs/${file}`, text]);
    logBytes += text.length;
  }
  sources.push(['emulator call log', toText(await stack.emu.calls())]);
  sources.push(['emulator notifications', toText(await stack.emu.notifications())]);
  seenErrors.forEach((e, i) => sources.push([`error #${i + 1}`, e]));

  const findings: SecretFinding[] = [];
  for (const [name, secret] of Object.entries(SECRETS)) {
    const forms = [secret, Buffer.from(secret).toString('base64')];
    for (const [where, text] of sources) {
      if (forms.some((f) => text.includes(f))) findings.push({ secret: name, where });
    }
  }
  return { findings, scanned: { histories, logBytes, errors: seenErrors.length } };
}
