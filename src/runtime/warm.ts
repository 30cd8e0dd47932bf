/**
 * A value built on the first event and kept while the Lambda is warm. A failed build is forgotten, so the
 * next event tries again instead of failing for the rest of the container's life.
 */
export class Warm<T> {
  private value: Promise<T> | undefined;

  constructor(private readonly build: () => Promise<T>) {}

  get(): Promise<T> {
    return (this.value ??= this.build().catch((err: unknown) => {
      this.value = undefined;
      throw err;
    }));
  }

  /** For tests: the next event reads the environment again. */
  reset(): void {
    this.value = undefined;
  }
}

type AsyncMethodOf<T> = { [K in keyof T]-?: T[K] extends (...args: never[]) => Promise<unknown> ? K : never }[keyof T];

/**
 * A port whose adapter is built on its first call and then kept (a failed build is forgotten, as Warm's is):
 * how the function bundles leave a dependency that only some paths need, the S3 SDK, to an import() that only
 * those paths run (src/runtime/aws.ts). `methods` are the port's methods, all asynchronous; the compiler checks
 * that the result still satisfies the port.
 */
export function builtOnFirstCall<T, K extends AsyncMethodOf<T>>(build: () => Promise<T>, methods: readonly K[]): Pick<T, K> {
  const adapter = new Warm(build);
  const port: Partial<Record<K, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const method of methods) {
    port[method] = async (...args) => {
      const built = await adapter.get();
      return (built[method] as (...a: unknown[]) => Promise<unknown>).apply(built, args);
    };
  }
  return port as Pick<T, K>;
}
