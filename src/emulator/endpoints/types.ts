/** The shape of an endpoint handler. */
import { type Reply } from '../replies';
import { type EmulatorState } from '../state';

/** A routed Agora API request after the gateway checks (auth, rate limit, content type). */
export interface EndpointRequest {
  /** The `{appid}` path segment. */
  appId: string;
  /** Path parameters, when the endpoint has them. */
  resourceId?: string;
  sid?: string;
  mode?: string;
  /** Parsed JSON body (POST), undefined for GET. */
  body: unknown;
}

/** Handles one request: validates, applies Agora's rules to `state`, and answers. */
export type EndpointHandler = (state: EmulatorState, req: EndpointRequest) => Promise<Reply>;
