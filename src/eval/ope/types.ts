/**
 * @module The vocabulary of off-policy evaluation: a logged row, a log, an evaluation policy.
 */

/** Context features of a logged row: numbers enter the reward model as they are, strings one-hot. */
export type Context = Readonly<Record<string, number | string>>;

/** One shown action (one slot of an impression) as the behaviour policy logged it. */
export interface LoggedRow {
  /** The action (item) shown. */
  readonly action: string;
  /** The slot it was shown in (1-based; 1 when there is a single slot). */
  readonly position: number;
  /** The observed reward (a click is 1, no click 0). */
  readonly reward: number;
  /** Probability the behaviour policy showed this action at this position in this context; absent if not logged. */
  readonly propensity?: number;
  readonly context?: Context;
  /** Rows sharing a slate id were shown together (one impression of several slots). */
  readonly slateId?: string;
}

/** A log read from a source: its rows in order and where they came from. */
export interface OpeLog {
  /** The source as given (`obd:path`, `jsonl:path`). */
  readonly source: string;
  readonly rows: readonly LoggedRow[];
}

/** What the evaluation policy would do in a slot: a probability for each action it may take. */
export interface EvaluationPolicy {
  /** How the policy was specified (for the report). */
  readonly description: string;
  /** π(action | context, position): sparse, the actions with positive probability; they sum to 1. */
  distribution(position: number, context?: Context): ReadonlyMap<string, number>;
  /** The policy's own mean reward when it is known (an `obd:` file's mean click): the truth to compare against. */
  readonly onPolicy?: number;
}
