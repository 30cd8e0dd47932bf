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
