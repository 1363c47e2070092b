import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { ValidationFailedError } from '../common/errors/domain-error.js';
import { DocketNumberPipe } from '../tracking/docket-number.pipe.js';
import { IsDocketNumber, isDocketNumber } from './docket-number.js';

class Body {
  @IsDocketNumber()
  docketNumber!: string;
}

const bodyErrors = (docketNumber: unknown) =>
  validateSync(plainToInstance(Body, { docketNumber })).flatMap((e) =>
    Object.values(e.constraints ?? {}),
  );

describe('the docket-number rule, shared by DTOs and the route pipe', () => {
  const good = ['0581094993', '0000000001'];
  const bad = ['581094993', '05810949931', '05810A4993', ' 0581094993', '', 581094993];

  it.each(good)('accepts %j everywhere', (value) => {
    expect(isDocketNumber(value)).toBe(true);
    expect(bodyErrors(value)).toEqual([]);
    expect(new DocketNumberPipe().transform(value)).toBe(value);
  });

  it.each(bad)('refuses %j everywhere, with the same message', (value) => {
    expect(isDocketNumber(value)).toBe(false);
    expect(bodyErrors(value)).toEqual(['docketNumber must be exactly 10 digits']);
    expect(() => new DocketNumberPipe().transform(value)).toThrow(ValidationFailedError);
  });
});
