/** Header names we set on messages besides JetStream's own `Nats-Msg-Id`. */
export const Headers = {
  messageId: 'Nats-Msg-Id',
  traceparent: 'traceparent',
  correlationId: 'Sokoul-Correlation-Id',
  deadLetterReason: 'Sokoul-Dead-Letter-Reason',
  deadLetterDetail: 'Sokoul-Dead-Letter-Detail',
  originalSubject: 'Sokoul-Original-Subject',
  originalStream: 'Sokoul-Original-Stream',
  originalSequence: 'Sokoul-Original-Sequence',
  consumer: 'Sokoul-Consumer',
  deliveries: 'Sokoul-Deliveries',
} as const;
