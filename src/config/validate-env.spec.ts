import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { InvalidConfigError, validateEnv } from './validate-env.js';

class SampleEnv {
  @IsInt()
  @Min(1)
  WORKERS: number = 4;

  @IsOptional()
  @Matches(/^\d{6}$/)
  PINCODE?: string;
}

describe('validateEnv', () => {
  it('applies defaults for unset variables and converts numbers', () => {
    expect(validateEnv(SampleEnv, {}).WORKERS).toBe(4);
    expect(validateEnv(SampleEnv, { WORKERS: '8' }).WORKERS).toBe(8);
  });

  it('treats an empty variable as unset', () => {
    expect(validateEnv(SampleEnv, { WORKERS: '' }).WORKERS).toBe(4);
  });

  it('names every bad variable and its value', () => {
    let error: unknown;
    try {
      validateEnv(SampleEnv, { WORKERS: 'many', PINCODE: '12' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    const problems = (error as InvalidConfigError).problems.join('\n');
    expect(problems).toMatch(/WORKERS="many"/);
    expect(problems).toMatch(/PINCODE="12"/);
  });
});
