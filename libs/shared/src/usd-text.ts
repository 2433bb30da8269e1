/**
 * A dollar amount as people read it in a message: cents from a dollar up, three significant
 * digits below ($12.50, $0.0042; $0.005 is not rounded to $0.01). For refusals and alerts, never
 * for amounts that must add up (those are nano-dollars, nano-usd.ts).
 */
export function usdText(v: number): string {
  return `$${v >= 1 ? v.toFixed(2) : String(Number(v.toPrecision(3)))}`;
}
