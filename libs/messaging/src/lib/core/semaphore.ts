/** Bounds how many handlers run at once. */
export class Semaphore {
  private waiting: Array<() => void> = [];
  private available: number;

  constructor(size: number) {
    this.available = size;
  }

  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Lets every waiter and every later caller through: used once, when a consumer is abandoned. */
  open(): void {
    this.available = Number.POSITIVE_INFINITY;
    for (const waiter of this.waiting.splice(0)) waiter();
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.available++;
  }
}
