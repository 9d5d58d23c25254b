/**
 * What the bench must undo (streams, schema, child processes), run in reverse order at the
 * end, or on Ctrl-C, so an interrupted run leaves nothing behind on the shared servers.
 */
export class Cleanup {
  private readonly tasks: Array<{ label: string; run: () => Promise<void> }> = [];

  /** Registers a task; the returned function runs it now (once) and unregisters it. */
  add(label: string, fn: () => Promise<void>): () => Promise<void> {
    let done: Promise<void> | undefined;
    const task = {
      label,
      run: () => {
        done ??= fn().catch((error: Error) => {
          process.stderr.write(`cleanup of ${label} failed: ${error.message}\n`);
        });
        return done;
      },
    };
    this.tasks.push(task);
    return async () => {
      const index = this.tasks.indexOf(task);
      if (index >= 0) this.tasks.splice(index, 1);
      await task.run();
    };
  }

  async runAll(): Promise<void> {
    for (const task of this.tasks.splice(0).reverse()) await task.run();
  }

  /** On SIGINT/SIGTERM: clean up, then exit as interrupted. */
  onInterrupt(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        process.stderr.write(`\n${signal}: cleaning up before exit…\n`);
        void this.runAll().finally(() => process.exit(130));
      });
    }
  }
}
