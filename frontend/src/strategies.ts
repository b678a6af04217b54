// The sampling strategies the Sample Selection tab offers, with a line each,
// filtered by the model's task (margin and entropy need class probabilities).
import type { Task } from './label';

export interface StrategyChoice {
  spec: string;
  title: string;
  /** One line: what it picks. */
  explain: string;
  tasks: Task[];
}

const BOTH: Task[] = ['REGRESSION', 'CLASSIFICATION'];

/**
 * STRATEGIES in the order shown; "default" is the product's default, the
 * adaptive strategy (activelearning/selfcheck.Default); "mix" is the fixed
 * half-and-half batch it replaced (ml/sampling.Mix).
 */
export const STRATEGIES: StrategyChoice[] = [
  {
    spec: 'default',
    title: 'Adaptive',
    explain:
      "Clusters of the most uncertain compounds, with the share of random picks (a quarter, half, three quarters or all of the batch) chosen from this model's own earlier cycles: if its uncertainty stops finding its mistakes, the batches turn random. In our simulations level with or better than random on all three data sets (random split).",
    tasks: BOTH,
  },
  {
    spec: 'mix',
    title: 'Fixed mix',
    explain: 'Half the batch from clusters of the most uncertain compounds, half at random, every cycle (the default before the adaptive one).',
    tasks: BOTH,
  },
  { spec: 'uncertainty', title: 'Uncertainty', explain: 'The compounds the ensemble members disagree on most.', tasks: BOTH },
  { spec: 'uncertainty+diverse', title: 'Uncertainty, diverse', explain: 'The most uncertain, skipping near-duplicates of compounds already picked.', tasks: BOTH },
  { spec: 'hybrid', title: 'Hybrid', explain: 'Uncertainty, margin and distance from the training set, weighted together.', tasks: BOTH },
  { spec: 'margin', title: 'Margin', explain: 'Predicted probability closest to 0.5: where the classes are hardest to tell apart.', tasks: ['CLASSIFICATION'] },
  { spec: 'entropy', title: 'Entropy', explain: 'The most uncertain class prediction by entropy.', tasks: ['CLASSIFICATION'] },
  { spec: 'ucb', title: 'Upper confidence bound', explain: 'Prediction plus twice its uncertainty: promising and unsure compounds first.', tasks: ['REGRESSION'] },
  { spec: 'greedy', title: 'Greedy', explain: 'The highest predicted values: for finding the best compounds, not for learning.', tasks: ['REGRESSION'] },
  { spec: 'random', title: 'Random', explain: 'A seeded random sample of the pool: the baseline to beat.', tasks: BOTH },
];

/** strategiesFor lists the strategies valid for a task. */
export function strategiesFor(task: Task): StrategyChoice[] {
  return STRATEGIES.filter((s) => s.tasks.includes(task));
}

/** DEFAULT_BATCH is the batch size the form starts with (the specification's 50). */
export const DEFAULT_BATCH = 50;
