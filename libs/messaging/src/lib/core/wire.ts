import { DEAD_LETTER_SUBJECT_PREFIX, Streams, type Subject } from '@sokoul/contracts';

/**
 * Maps the contract's logical names onto the wire. A namespace prefixes subjects and stream
 * names so several stacks (or test files running in parallel) share one NATS server safely.
 */
export class Wire {
  constructor(private readonly namespace?: string) {}

  subject(subject: Subject | string): string {
    return this.namespace ? `${this.namespace}.${subject}` : subject;
  }

  /** The logical subject of a wire subject (inverse of `subject`). */
  logical(wireSubject: string): string {
    const prefix = this.namespace ? `${this.namespace}.` : '';
    return wireSubject.startsWith(prefix) ? wireSubject.slice(prefix.length) : wireSubject;
  }

  stream(name: (typeof Streams)[keyof typeof Streams]): string {
    return this.namespace ? `${this.namespace.toUpperCase()}_${name}` : name;
  }

  deadLetterSubject(subject: string): string {
    return this.subject(`${DEAD_LETTER_SUBJECT_PREFIX}.${subject}`);
  }

  /** Consumer names allow only [A-Za-z0-9_-]. */
  consumerName(...parts: string[]): string {
    return parts.join('-').replace(/[^A-Za-z0-9_-]/g, '_');
  }
}
