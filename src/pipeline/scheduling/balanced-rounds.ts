/**
 * How many folds a pool trains at once. Folds of one run take about as long as each other, so five folds on two
 * slots trained two at a time leave a last round in which one fold trains alone and a core idles (or lends its
 * core to the fold's own threads, which gain far less than a second process would). Training one more fold at once
 * in the first round makes the rounds even: three folds share the two cores, then the last two take one each, and
 * all five end together, in 2.5 folds' time where rounds of two take 3 (or 2 and a fold on two threads).
 */

/**
 * Folds to train at once with `outstanding` folds left (training or waiting) on `slots` cores: every fold when they
 * fit, else the slots plus what the rounds of `slots` would leave over, so that the folds still waiting after this
 * round divide evenly over the slots. It never drops below the slots while folds wait, so no core waits either.
 */
export function foldsAtOnce(slots: number, outstanding: number): number {
  if (outstanding <= slots) return outstanding;
  return slots + (outstanding % slots);
}
