/**
 * Shared plumbing for adapters: listener sets and status bookkeeping. Adapters extend it so the
 * contract's `on` behaves the same everywhere.
 */
import { Emitter } from '../core/emitter';
import type { ConnectionStatus, StatusChange } from '../core/types';
import type { TransportEvents } from './types';

export abstract class TransportBase {
  protected readonly events = new Emitter<TransportEvents>();
  protected currentStatus: ConnectionStatus = 'idle';

  on<K extends keyof TransportEvents>(event: K, fn: (value: TransportEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  protected setStatus(change: StatusChange): void {
    this.currentStatus = change.status;
    this.events.emit('status', change);
  }
}
