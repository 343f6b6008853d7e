/** The languages companies get their emails and messages in (German by default). */
export type Locale = 'de' | 'en';
