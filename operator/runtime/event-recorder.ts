/**
 * Kubernetes Events (core/v1) about an object, as `kubectl describe` shows them. An Event that
 * cannot be written is logged and dropped: it must never fail a reconcile.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../src/logging/logger.ts';
import { FIELD_MANAGER, type JsonObject, type KubeApi } from './kube-api.ts';

export type EventType = 'Normal' | 'Warning';

/** Event messages are cut by the apiserver at 1 kB. */
const MAX_MESSAGE = 1024;

export class EventRecorder {
  readonly #api: KubeApi;
  readonly #instance: string;
  readonly #log: Logger;

  constructor(api: KubeApi, instance: string, log: Logger) {
    this.#api = api;
    this.#instance = instance.slice(0, 128);
    this.#log = log;
  }

  async record(about: JsonObject, type: EventType, reason: string, message: string): Promise<void> {
    const { name = '', namespace = 'default', uid, resourceVersion } = about.metadata ?? {};
    const now = new Date().toISOString();
    const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 3)}...` : message;
    this.#log.info({ object: `${about.kind}/${namespace}/${name}`, event: reason, type }, text);
    try {
      await this.#api.createEvent(namespace, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${name}.${Date.now().toString(16)}${randomBytes(4).toString('hex')}`, namespace },
        involvedObject: { apiVersion: about.apiVersion, kind: about.kind, name, namespace, uid, resourceVersion },
        type,
        reason,
        message: text,
        source: { component: FIELD_MANAGER },
        reportingComponent: FIELD_MANAGER,
        reportingInstance: this.#instance,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      });
    } catch (error) {
      this.#log.warn(
        { err: error, object: `${about.kind}/${namespace}/${name}`, event: reason },
        'could not record the event',
      );
    }
  }
}
