import { describe, expect, it } from 'vitest';
import { MESSAGE_PART_CHARS, UserInputError, fileSystemError, shortened, shown } from './errors.ts';

describe('messages', () => {
  it('shortened keeps short strings and cuts long ones to the limit with their length', () => {
    expect(shortened('abc')).toBe('abc');
    const s = shortened('a'.repeat(50) + 'b'.repeat(100_000) + 'c'.repeat(50));
    expect(s.length).toBeLessThanOrEqual(MESSAGE_PART_CHARS);
    expect(s).toMatch(/^a+b+\.\.\.b+c+ \[100100 chars\]$/);
  });
  it('a UserInputError with a 100 KB detail stays short; shown() shortens too', () => {
    const e = new UserInputError('--only', 'must name a theorem', 'x'.repeat(100_000));
    expect(e.message.length).toBeLessThan(2 * MESSAGE_PART_CHARS);
    expect(e.parameter).toBe('--only');
    expect(shown('y'.repeat(10_000)).length).toBeLessThanOrEqual(MESSAGE_PART_CHARS);
  });
  it('fileSystemError names the path and the rule for errno errors, null otherwise', () => {
    const err = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', path: '/x/y', syscall: 'open' });
    expect(fileSystemError(err)?.message).toBe('/x/y: must be writable (permission denied) (EACCES, open)');
    expect(fileSystemError(err, '--out')?.message).toMatch(/^--out \/x\/y: /);
    expect(fileSystemError(new RangeError('x'))).toBeNull();
    expect(fileSystemError('text')).toBeNull();
  });
});
