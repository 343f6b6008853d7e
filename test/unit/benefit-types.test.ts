// Which Personio types may take a monthly benefit, and the name a benefit's ONE_TIME type gets.
import { describe, expect, it } from 'vitest';
import { oneTimeTypeName, typesNamed, unsuitableReason } from '../../payroll/benefit-types.js';

const type = (id: string, name: string, category?: string) => ({ id, name, ...(category ? { category } : {}) });

describe('benefit types', () => {
  it('lets only ONE_TIME types take benefit amounts', () => {
    expect(unsuitableReason(type('a', 'Essen', 'ONE_TIME'))).toBeUndefined();
    expect(unsuitableReason(type('b', 'Fahrt', 'RECURRING'))).toMatch(/every month/);
    expect(unsuitableReason(type('c', 'Gehalt', 'FIXED_SALARY'))).toMatch(/salary/);
    expect(unsuitableReason(type('d', 'Stunden', 'HOURLY'))).toMatch(/HOURLY/);
    expect(unsuitableReason(type('e', 'Unbekannt'))).toMatch(/did not say the category/);
  });

  it('finds the ONE_TIME type of a name and keeps the other categories of that name apart', () => {
    const types = [type('r', 'Mobilität', 'RECURRING'), type('o', '  mobilität ', 'ONE_TIME'), type('s', 'MOBILITÄT', 'FIXED_SALARY')];
    expect(typesNamed(types, 'Mobilität')).toEqual({ oneTime: types[1], otherCategories: [types[0], types[2]] });
    expect(typesNamed(types, 'Essen')).toEqual({ otherCategories: [] });
  });

  it('names the ONE_TIME type after the benefit unless another category holds that name, deterministically', () => {
    expect(oneTimeTypeName([], 'Essen', 'de')).toBe('Essen');
    expect(oneTimeTypeName([type('o', 'essen', 'ONE_TIME')], 'Essen', 'de')).toBe('Essen');
    const taken = [type('r', 'Essen', 'RECURRING')];
    expect(oneTimeTypeName(taken, 'Essen', 'de')).toBe('Essen (Einmalzahlung)');
    expect(oneTimeTypeName(taken, 'Essen', 'en')).toBe('Essen (one-time)');
    expect(oneTimeTypeName([...taken, type('r2', 'Essen (Einmalzahlung)', 'RECURRING')], 'Essen', 'de')).toBe('Essen (Einmalzahlung 2)');
    // A ONE_TIME type already holding the distinct name is the one to use.
    expect(oneTimeTypeName([...taken, type('o', 'Essen (Einmalzahlung)', 'ONE_TIME')], 'Essen', 'de')).toBe('Essen (Einmalzahlung)');
  });
});
