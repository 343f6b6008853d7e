// Sample benefits and amounts shared by the tests and the bench: the same scenario data on both sides.

export const BENEFITS = [
  { benefitKey: 'meal', benefitName: 'Essenszuschuss' },
  { benefitKey: 'mobility', benefitName: 'Mobilitätsbudget' },
  { benefitKey: 'internet', benefitName: 'Internetpauschale' },
] as const;

/** A deterministic amount per employee and benefit, with cents that catch float errors. */
export const amountFor = (employee: number, benefit: number) => ((employee % 7) * 10 + benefit * 3 + 0.1 * (employee % 10) + 0.07).toFixed(2);
