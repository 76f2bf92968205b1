/**
 * acquire (https://docs.agora.io/en/cloud-recording/rest-api/acquire): validates the body, the channel name
 * (https://docs.agora.io/en/cloud-recording/rest-api/overview: 400 code 401 `invalid_channel_name`) and the concurrency
 * quota (https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices: 400 code 406
 * `vendor_over_load`), then hands out a resourceId that lives 5 minutes.
 */
import { z } from 'zod';
import { acquireRequestSchema, cnameSchema, webCnameSchema } from '../../agora/schemas';
import { newResourceId } from '../ids';
import { agoraError, invalidBody, ok } from '../replies';
import { type EndpointHandler } from './types';

/**
 * acquire's body as the emulator checks it: an invalid `startParameter` does NOT fail acquire, it makes the later start
 * fail (https://docs.agora.io/en/cloud-recording/rest-api/acquire), so it is only required to be an object here; start
 * compares the two.
 */
const emulatorAcquireSchema = acquireRequestSchema.extend({
  clientRequest: acquireRequestSchema.shape.clientRequest.extend({
    startParameter: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const acquire: EndpointHandler = (state, req) => {
  const parsed = emulatorAcquireSchema.safeParse(req.body);
  if (!parsed.success) return Promise.resolve(invalidBody(parsed.error));
  const { cname, uid, clientRequest } = parsed.data;
  const scene = clientRequest.scene ?? 0;
  // Web recording (scene 1) only labels the task with cname; RTC recording needs a real channel name
  // (https://docs.agora.io/en/cloud-recording/rest-api/overview).
  if (!(scene === 1 ? webCnameSchema : cnameSchema).safeParse(cname).success) {
    return Promise.resolve(agoraError(400, 401, 'invalid_channel_name'));
  }
  if (state.liveTasks().length >= state.options.concurrencyQuota) {
    return Promise.resolve(agoraError(400, 406, 'vendor_over_load'));
  }
  const resourceId = newResourceId();
  state.resources.set(resourceId, {
    resourceId,
    cname,
    uid,
    scene,
    resourceExpiredHour: clientRequest.resourceExpiredHour ?? 72,
    ...(clientRequest.startParameter === undefined ? {} : { startParameter: clientRequest.startParameter }),
    acquiredAt: state.clock.now(),
  });
  return Promise.resolve(ok({ cname, uid, resourceId }));
};
