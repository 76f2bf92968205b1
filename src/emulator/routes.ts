/**
 * Agora's paths and methods (https://docs.agora.io/en/cloud-recording/rest-api/overview), matched exactly (paths are
 * case sensitive).
 */
import { type EndpointName } from './faults';

/** A matched route: the endpoint and its path parameters. */
export interface Route {
  endpoint: EndpointName;
  appId: string;
  resourceId?: string;
  sid?: string;
  mode?: string;
}

const PREFIX = String.raw`^/v1/apps/([^/]+)/cloud_recording`;
const ACQUIRE = new RegExp(`${PREFIX}/acquire$`);
const START = new RegExp(`${PREFIX}/resourceid/([^/]+)/mode/([^/]+)/start$`);
const SESSION = new RegExp(`${PREFIX}/resourceid/([^/]+)/sid/([^/]+)/mode/([^/]+)/(query|update|updateLayout|stop)$`);

/**
 * @param method the HTTP method
 * @param path the URL path without query string
 * @returns the route, or undefined when Agora's gateway would answer 404 "no Route matched with those values"
 */
export function matchRoute(method: string, path: string): Route | undefined {
  let m = ACQUIRE.exec(path);
  if (m) return method === 'POST' ? { endpoint: 'acquire', appId: dec(m[1]) } : undefined;
  m = START.exec(path);
  if (m) {
    if (method !== 'POST') return undefined;
    return { endpoint: 'start', appId: dec(m[1]), resourceId: dec(m[2]), mode: dec(m[3]) };
  }
  m = SESSION.exec(path);
  if (m) {
    const endpoint = m[5] as 'query' | 'update' | 'updateLayout' | 'stop';
    if (method !== (endpoint === 'query' ? 'GET' : 'POST')) return undefined;
    return { endpoint, appId: dec(m[1]), resourceId: dec(m[2]), sid: dec(m[3]), mode: dec(m[4]) };
  }
  return undefined;
}

function dec(s: string | undefined): string {
  try {
    return decodeURIComponent(s ?? '');
  } catch {
    return s ?? '';
  }
}
