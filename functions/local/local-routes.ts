/**
 * Routes that exist only in local mode, under /_local/, beside the API: the clock, the dispatch
 * kill switch, API keys for new tenants, and SES event notifications. They take no API key:
 * local mode listens on localhost only, for the person running it.
 *
 * - GET /_local/clock → {now, speed, paused}
 * - POST /_local/clock {"advance":"14d"} or {"to": ISO} → {now, ticks, emailsSent}, once every tick
 *   in between has run
 * - POST /_local/dispatch {"paused": true|false} → {paused}
 * - POST /_local/keys {"tenant": "name"} → {tenantId, apiKey}; a new name gets a copy of the demo seller
 * - POST /_local/redrive {"queue": "send" | "events"} → {queue, moved}: what waits in that queue's
 *   dead-letter queue goes back to it, as `dun redrive` does in AWS
 * - POST /_local/ses-events: SES event notifications, in an SNS or an EventBridge envelope (or bare
 *   records), applied by the same code as the events Lambda → {applied, outcomes, failures}
 */
import * as z from "zod";
import { newApiKey } from "#api/api-keys.ts";
import type { ApiDeps, HttpRequest } from "#api/http-api.ts";
import { type ApiResponse, json, problem } from "#api/problem.ts";
import { MAX_ACTION_BODY_BYTES, MAX_BODY_BYTES, readJsonBody, tooLarge } from "#api/request-body.ts";
import { TenantSchema } from "#domain/tenant/tenant.ts";
import { applySesEvent, type EventDeps } from "#events/apply-ses-event.ts";
import { parseSesNotifications } from "#events/ses-event.ts";
import { demoTenantNamed } from "./demo.ts";
import { ClockMoveSchema, type LocalClock } from "./local-clock.ts";
import type { LocalPipeline } from "./local-pipeline.ts";

export type LocalRoutes = (request: HttpRequest) => Promise<ApiResponse | undefined>;

const DispatchSchema = z.strictObject({ paused: z.boolean() });
const RedriveSchema = z.strictObject({ queue: z.enum(["send", "events"]) });
const KeyRequestSchema = z.strictObject({
  tenant: TenantSchema.shape.id.default("demo"),
  label: z.string().trim().min(1).max(200).optional(),
});

export function localRoutes(stack: {
  api: ApiDeps;
  clock: LocalClock;
  pipeline: LocalPipeline;
  events: EventDeps;
}): LocalRoutes {
  const { api, clock, pipeline, events } = stack;
  return async (request) => {
    if (!request.rawPath.startsWith("/_local/")) return undefined;
    const route = `${request.method} ${request.rawPath}`;
    switch (route) {
      case "GET /_local/clock":
        return json(200, { now: clock.now().toISOString(), speed: clock.speed, paused: pipeline.paused });
      case "POST /_local/clock": {
        const move = readJsonBody(request, ClockMoveSchema, MAX_ACTION_BODY_BYTES);
        if (!move.ok) return move.error;
        const target = clock.targetOf(move.value);
        if (!target.ok) {
          return problem(422, target.error.message, {
            errors: [{ path: target.error.field, message: target.error.message }],
          });
        }
        return json(200, await clock.advanceTo(target.value));
      }
      case "POST /_local/dispatch": {
        const body = readJsonBody(request, DispatchSchema, MAX_ACTION_BODY_BYTES);
        if (!body.ok) return body.error;
        pipeline.paused = body.value.paused;
        return json(200, { paused: pipeline.paused });
      }
      case "POST /_local/redrive": {
        const body = readJsonBody(request, RedriveSchema, MAX_ACTION_BODY_BYTES);
        if (!body.ok) return body.error;
        const queue = body.value.queue === "send" ? pipeline.queue : pipeline.events;
        return json(200, { queue: body.value.queue, moved: queue.redrive() });
      }
      case "POST /_local/keys": {
        const body = readJsonBody(request, KeyRequestSchema, MAX_ACTION_BODY_BYTES);
        if (!body.ok) return body.error;
        const tenantId = body.value.tenant;
        if (!(await api.tenants.get(tenantId)))
          await api.tenants.put(TenantSchema.parse(demoTenantNamed(tenantId)));
        const { key, hash } = newApiKey();
        await api.apiKeys.put({
          hash,
          tenantId,
          createdAt: clock.now().toISOString(),
          label: body.value.label ?? "local mode",
        });
        return json(201, { tenantId, apiKey: key });
      }
      case "POST /_local/ses-events": {
        const large = tooLarge(request, MAX_BODY_BYTES);
        if (large) return large;
        let body: unknown;
        try {
          body = JSON.parse(request.body ?? "");
        } catch (error) {
          return problem(400, `the body is not valid JSON: ${(error as Error).message}`);
        }
        const { events: parsed, failures } = parseSesNotifications(body);
        const outcomes = [];
        for (const event of parsed) outcomes.push(await applySesEvent(events, event, clock.now()));
        return json(failures.length > 0 ? 422 : 200, { applied: parsed.length, outcomes, failures });
      }
      default:
        return problem(404, `no local route ${route}`);
    }
  };
}
