import { runPoisonMessages } from './scenarios/poison-messages';

describe('poison-messages: malformed and handler-crashing messages among good searches', () => {
  it('dead-letters every bad message with its reason, raises the sentinel alert once, and keeps the good searches flowing', async () => {
    const { result, details } = await runPoisonMessages('ci');

    expect(details.poisonSent).toBeGreaterThan(0);
    expect(details.missing).toEqual({});
    expect(details.wrongReasons).toEqual([]);
    expect(details.extraDeadLetters).toBe(0);
    expect(details.alertRaised).toBe(true);
    expect(details.alertRepeats).toBe(0);
    expect(details.goodNotCompleted).toBe(0);
    expect(details.goodDuplicated).toBe(0);
    // Same stack, same queries: poison alongside must not slow the good searches noticeably.
    expect(details.throughputRatio).toBeGreaterThan(0.6);
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.http5xx).toBe(0);
  });
});
