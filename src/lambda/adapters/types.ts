// What an adapter builder is: it turns a function's parsed environment into the part of
// TaskDependencies its capability provides. A builder runs once per container.
import type { Clock } from '../../ports.js';
import type { BackupDependencies } from '../../workflow/backup/ports.js';
import type { TaskDependencies } from '../../workflow/dependencies.js';
import type { Capability, TaskEnvironment } from '../environment.js';

/** The TaskDependencies fields each capability provides. */
export interface CapabilityDependencies {
  inventory: Pick<TaskDependencies, 'inventory'>;
  devices: Pick<TaskDependencies, 'devices' | 'secrets'>;
  bundles: Pick<TaskDependencies, 'bundles'>;
  ca: Pick<TaskDependencies, 'ca'>;
  backups: Pick<BackupDependencies, 'catalog'>;
}

export type AdapterBuilder<C extends Capability> = (env: TaskEnvironment<C>, clock: Clock) => CapabilityDependencies[C];
