// The pure parts of backup and restore: which trustpoints a backup covers, what a backup
// slot is, and which step a failed restore stopped at.
import { describe, expect, it } from 'vitest';
import { backupSlot, backupTargets } from '../../../../src/workflow/backup/backup-tasks.js';
import type { RestoreProgress } from '../../../../src/workflow/backup/contracts.js';
import { failedRestoreStep } from '../../../../src/workflow/backup/restore-tasks.js';

describe('backupTargets', () => {
  it('covers every trustpoint bound with ssl trust-point, the IKEv2 one and the named ones, once each', () => {
    const facts = {
      ssl: {
        bindings: [
          { interface: 'outside', trustpoint: 'TP-A' },
          { interface: 'inside', trustpoint: 'TP-A' },
          { interface: 'dmz', trustpoint: 'TP-B' },
          { interface: 'outside', trustpoint: 'TP-LB', vpnlbIp: '10.0.0.9' },
        ],
      },
      ikev2: { remoteAccessTrustpoints: ['TP-B', 'TP-C'] },
    } as unknown as Parameters<typeof backupTargets>[0];

    expect(backupTargets(facts, ['TP-SPARE', 'TP-A'])).toEqual([
      { trustpoint: 'TP-A', interfaces: ['outside', 'inside'], ikev2: false },
      { trustpoint: 'TP-B', interfaces: ['dmz'], ikev2: true },
      { trustpoint: 'TP-SPARE', interfaces: [], ikev2: false },
    ]);
  });
});

describe('backupSlot', () => {
  it.each([
    [{ trustpoint: 'TP-1', interfaces: ['outside', 'inside'], ikev2: false }, 'bound:inside,outside'],
    [{ trustpoint: 'TP-2', interfaces: ['inside', 'outside'], ikev2: false }, 'bound:inside,outside'],
    [{ trustpoint: 'TP-3', interfaces: ['outside'], ikev2: true }, 'bound:outside+ikev2'],
    [{ trustpoint: 'TP-SPARE', interfaces: [], ikev2: false }, 'trustpoint:TP-SPARE'],
  ])('groups %j as %s', (entry, slot) => {
    expect(backupSlot(entry)).toBe(slot);
  });
});

describe('failedRestoreStep', () => {
  const none: RestoreProgress = { hostKey: null, preflight: null, backups: null, imported: null, binding: null, verification: null, save: null };
  const hostKey = { hostKeySha256: `SHA256:${'a'.repeat(43)}`, changed: false, previousHostKeySha256: `SHA256:${'a'.repeat(43)}` };
  const preflight = { hostname: 'fw', failoverRole: 'none' as const, bindings: {} };
  const restorePlan = { plan: 'RESTORE' as const, backups: [], unusable: [], reason: 'r' };

  it.each([
    [none, 'ConfirmHostKey'],
    [{ ...none, hostKey }, 'RestorePreflight'],
    [{ ...none, hostKey, preflight }, 'FindBackups'],
    [{ ...none, hostKey, preflight, backups: { ...restorePlan, plan: 'RENEW' as const } }, 'ReleaseLock'],
    [{ ...none, hostKey, preflight, backups: restorePlan }, 'ImportBackups'],
    [{ ...none, hostKey, preflight, backups: restorePlan, imported: { imported: [] } }, 'RebindTrustpoints'],
    [{ ...none, hostKey, preflight, backups: restorePlan, imported: { imported: [] }, binding: { bound: [] } }, 'VerifyRestore'],
    [{ ...none, hostKey, preflight, backups: restorePlan, imported: { imported: [] }, binding: { bound: [] }, verification: { verified: [] } }, 'SaveConfiguration'],
  ] as [RestoreProgress, string][])('names the first step without a result (%#)', (progress, step) => {
    expect(failedRestoreStep(progress)).toBe(step);
  });
});
