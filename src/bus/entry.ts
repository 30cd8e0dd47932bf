/** One event for the bus: what PutEvents takes, before the SDK's capitalised field names. */
export interface BusEntry {
  source: string;
  detailType: string;
  detail: unknown;
  /** Events about a Workflow name it here too, so rules and consoles can filter without parsing detail. */
  resources?: string[];
}

/**
 * A publisher either delivers every entry or throws: a decision is never silently dropped. A PublishError lists
 * the entries that were not delivered (the others were), so the caller handles those alone; any other error
 * says nothing about which arrived.
 */
export interface EventPublisher {
  publish(entries: BusEntry[]): Promise<void>;
}

export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    message: string,
    readonly failed: { entry: BusEntry; code?: string | undefined; message?: string | undefined }[],
  ) {
    super(message);
  }
}
