/**
 * Thrown by a handler when retrying cannot help (the referenced row does not exist, the
 * request contradicts itself): the message is dead-lettered at once instead of retried.
 */
export class NonRetryableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}
